from django.test import override_settings

from supervision.personal_data import (
    id_number_decrypt,
    id_number_encrypt,
    id_number_hash,
    id_number_mask,
    name_mask,
    phone_mask,
)

ID = "11010519491231002X"


def test_id_number_round_trips_encrypted_and_never_in_clear():
    token = id_number_encrypt(ID)
    assert ID not in token
    assert id_number_decrypt(token) == ID
    assert id_number_encrypt(ID) != token  # Fernet is randomised: equal IDs do not look equal


def test_lookup_hash_is_stable_keyed_and_case_insensitive():
    assert id_number_hash(ID) == id_number_hash(ID.lower())
    with override_settings(FIELD_ENCRYPTION_KEY="b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMTI="):
        other = id_number_hash(ID)
    assert other != id_number_hash(ID)


def test_masks():
    assert id_number_mask(ID) == "1101**********002X"
    assert phone_mask("13812345678") == "138****5678"
    assert name_mask("张三") == "张*"
    assert name_mask("张小明") == "张*明"
    assert name_mask("欧阳小明") == "欧**明"
