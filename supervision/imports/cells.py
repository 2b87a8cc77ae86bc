"""Cell parsers: each turns a cell into a value or raises `CellError` with a Chinese reason."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from stdnum.cn import ric

from ..models import Jurisdiction
from .table import cell_code, cell_text


class CellError(ValueError):
    pass


def parse_required_text(value: object, max_length: int) -> str:
    text = cell_text(value)
    if not text:
        raise CellError(_("Required; the cell is empty."))
    return parse_text(text, max_length)


def parse_text(value: object, max_length: int) -> str:
    text = " ".join(cell_text(value).split())
    if len(text) > max_length:
        raise CellError(_("At most %(max)d characters.") % {"max": max_length})
    return text


# GB 32100-2015: the code's alphabet (no I, O, S, V, Z) and the weights of its check character,
# as stdnum.cn.uscc has them (tests/supervision/test_import_units.py compares the two).
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_ALPHABET = frozenset(_USCC_CHARS)
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(code17: str) -> str:
    """The 18th character of a code whose first 17 are in the alphabet (stdnum's calc_check_digit
    without its clean-up of separators, which `cell_code` has done: a fifth of a unit row's parse)."""
    value = _USCC_VALUE
    return _USCC_CHARS[-sum(value[c] * w for c, w in zip(code17, _USCC_WEIGHTS)) % 31]


def parse_uscc(value: object) -> str:
    """The same checks as stdnum.cn.uscc.validate (length, digits, alphabet, check digit), on a
    code `cell_code` has already cleaned: this runs once per row of imports of tens of thousands
    of rows. Digits are ASCII digits (str.isdigit also takes ٣ and ³)."""
    code = cell_code(value)
    if not code:
        raise CellError(_("Required; the cell is empty."))
    if (
        len(code) != 18 or not code[:8].isascii() or not code[:8].isdigit()
        or not _USCC_ALPHABET.issuperset(code[8:]) or uscc_check_character(code[:17]) != code[17]
    ):
        raise CellError(_("Not a valid unified social credit code (18 characters with a correct check digit)."))
    return code


AREA_CODES_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "area_codes" / "gbt2260_all.csv"
DIVISIONS_DIR = AREA_CODES_FILE.parent.parent / "divisions"


@lru_cache(maxsize=1)
def area_codes() -> frozenset[str]:
    """Every GB/T 2260 county-level (and city-level) code that exists or has existed: a resident ID
    number keeps the code of the place that issued it, re-organised districts and all (330184, the
    former 余杭市, is on many cards). Source and date: README, "Resident ID numbers"."""
    codes = set()
    for path in (AREA_CODES_FILE, *sorted(DIVISIONS_DIR.glob("*.csv"))):
        with path.open(encoding="utf-8-sig") as handle:
            next(handle)
            codes.update(line.split(",", 1)[0].strip() for line in handle if line.strip())
    return frozenset(codes)


def area_code_known(code: str) -> bool:
    """In the shipped lists, or a division loaded into this platform since (load_divisions)."""
    if code in area_codes():
        return True

    return Jurisdiction.objects.filter(code=code).exists()


def parse_resident_id(value: object, today: date | None = None) -> str:
    """居民身份证号: 18 characters; an area code that is or was in GB/T 2260; a real birth date, not
    in the future; the check digit (ISO 7064 MOD 11-2, through stdnum). Unlike stdnum's validate(),
    the area code is not required to have existed in the birth year: the card keeps the code of
    the office that issued it. Each refusal says which part is wrong."""
    code = cell_code(value).upper()
    if not code:
        raise CellError(_("Required; the cell is empty."))
    if len(code) == 15 and code.isdigit():
        raise CellError(_("This is a 15-digit first-generation ID number: the 18-digit number of the current card is needed."))
    if len(code) != 18:
        raise CellError(_("A resident ID number has 18 characters; this one has %(n)s.") % {"n": len(code)})
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise CellError(_("The first 17 characters of a resident ID number are digits and the last a digit or X."))
    if not area_code_known(code[:6]):
        raise CellError(_("The area code %(code)s (first six digits) is not a current or former GB/T 2260 code.") % {"code": code[:6]})
    try:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        raise CellError(_("The birth date (digits 7 to 14) is not a real date."))
    if born > (today or date.today()) or born.year < 1900:
        raise CellError(_("The birth date (digits 7 to 14) lies in the future or before 1900."))
    expected = ric.calc_check_digit(code)
    if code[17] != expected:
        raise CellError(_("The check digit (the last character) should be %(expected)s, not %(given)s: a digit was probably mistyped.") % {"expected": expected, "given": code[17]})
    return code


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE = re.compile(r"^(\d{3,4}-?)?\d{7,8}(-\d{1,6})?$")


def parse_mobile(value: object, required: bool = False) -> str:
    code = cell_code(value).replace("-", "").replace("+86", "")
    if not code:
        if required:
            raise CellError(_("Required; the cell is empty."))
        return ""
    if not _MOBILE.match(code):
        raise CellError(_("Not a mainland mobile number (11 digits starting with 13–19)."))
    return code


def parse_phone(value: object) -> str:
    """A unit's phone: a mobile number or a landline with area code (0571-88886666)."""
    code = cell_code(value).replace("+86", "")
    if not code:
        return ""
    if _MOBILE.match(code.replace("-", "")) or _PHONE.match(code):
        return code
    raise CellError(_("Not a phone number (a mobile number, or a landline such as 0571-88886666)."))


def _decimal_or_none(value: object, not_a_number: str) -> Decimal | None:
    """A cell's number (thousands separators allowed), None when blank, `not_a_number` otherwise."""
    text = cell_code(value).replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(not_a_number)


def parse_count(value: object) -> int | None:
    number = _decimal_or_none(value, _("Must be a whole number."))
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise CellError(_("Must be a whole number, zero or more."))
    if number > 10_000_000:
        raise CellError(_("The number is implausibly large."))
    return int(number)


def parse_amount(value: object) -> Decimal | None:
    number = _decimal_or_none(value, _("Must be a number (in 10,000 yuan)."))
    if number is None:
        return None
    if not number.is_finite() or number < 0:
        raise CellError(_("Must be a number, zero or more."))
    if number >= Decimal("1e12"):
        raise CellError(_("The number is implausibly large."))
    return number.quantize(Decimal("0.01"))


_YES = {"是", "Y", "YES", "TRUE", "1", "√", "有"}
_NO = {"否", "N", "NO", "FALSE", "0", "", "无"}


def parse_yes_no(value: object) -> bool:
    text = cell_code(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(_("Must be 是 or 否."))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(value: object, required: bool = False) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial day number
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = cell_code(value)
    if not text:
        if required:
            raise CellError(_("Required; the cell is empty."))
        return None
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Not a date; write it as 2024-03-01."))


# Production licence: XK + NN-NNN-NNNNN, provincial ones prefixed with the province's short name
# in parentheses or brackets, e.g. （浙）XK16-204-00123 or [浙]XK16-204-00123.
_LICENCE = re.compile(r"^(?:[(\[【]([\u4e00-\u9fff])[)\]】])?XK(\d{2})-(\d{3})-(\d{5})$")


def parse_licence_number(text: str) -> str:
    code = cell_code(text)
    match = _LICENCE.match(code)
    if not match:
        raise CellError(_("“%(value)s” is not a production licence number such as XK16-204-00123 or (浙)XK16-204-00123.") % {"value": text})
    province, *parts = match.groups()
    prefix = f"({province})" if province else ""
    return f"{prefix}XK{parts[0]}-{parts[1]}-{parts[2]}"


_CCC = re.compile(r"^\d{16}$")


def parse_ccc_number(text: str) -> str:
    code = cell_code(text)
    if not _CCC.match(code):
        raise CellError(_("“%(value)s” is not a CCC certificate number (16 digits).") % {"value": text})
    return code


_LIST_SPLIT = re.compile(r"[、;；,，/\n]+")


def split_list(value: object) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(cell_text(value)) if part.strip()]
