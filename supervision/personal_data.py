"""Resident ID numbers and phones: sensitive personal information (PIPL Art. 28).

An ID number is stored three ways: Fernet-encrypted (the only copy that can be read back), an
HMAC-SHA256 under a key derived from the same secret (for uniqueness and lookup without
decrypting), and masked (`3301**********1234`, what every page shows). The key comes from the
environment (`FIELD_ENCRYPTION_KEY`), never from the repository.

A unit's legal representative (法定代表人) and its phone are not treated as personal data here: the
name is part of the enterprise's public registration (企业信息公示暂行条例 Art. 6 puts it among
the registration information the market regulator publishes), and the unit phone is the unit's.
They are shown and logged in full; the staff's ID numbers and mobiles are not."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    fernet = Fernet(secret.encode())
    lookup_key = hmac.new(secret.encode(), b"supervision.person.id_number.lookup", hashlib.sha256).digest()
    return fernet, lookup_key


def _current_keys() -> tuple[Fernet, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def text_encrypt(text: str) -> str:
    """Fernet under FIELD_ENCRYPTION_KEY: ID numbers, and access codes kept for reprinting."""
    return _current_keys()[0].encrypt(text.encode()).decode()


def text_decrypt(token: str) -> str:
    return _current_keys()[0].decrypt(token.encode()).decode()


id_number_encrypt = text_encrypt
id_number_decrypt = text_decrypt


def id_number_hash(id_number: str) -> str:
    return hmac.new(_current_keys()[1], id_number.upper().encode(), hashlib.sha256).hexdigest()


def id_number_mask(id_number: str) -> str:
    """First four and last four characters: enough to tell two people apart on a list."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def phone_mask(phone: str) -> str:
    if len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def name_mask(name: str) -> str:
    """Public pages: 张三 -> 张*, 张小明 -> 张*明, 欧阳小明 -> 欧**明."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
