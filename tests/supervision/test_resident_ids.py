"""Resident ID numbers as counties' files hold them (issue 14): former and re-assigned area codes
are real, the reason for a refusal names the part that is wrong, and no refusal echoes a number."""

from datetime import date

import pytest
from stdnum.cn import ric

from supervision.imports.cells import CellError, area_codes, parse_resident_id

pytestmark = pytest.mark.django_db


def _id(area: str, born: str, serial: str = "123") -> str:
    body = area + born + serial
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize("area,born", [
    ("330184", "19850312"),  # the former 余杭市 (1994-2001), on many cards
    ("330110", "19801105"),  # 余杭区 since 2001, born long before: the card's issuing code
    ("330110", "19931231"),
    ("330113", "19760101"),  # 临平区 (2021-, in the shipped 2024 divisions), born long before
    ("330100", "19700815"),  # city-level code on old cards
    ("110103", "19551120"),  # 崇文区, abolished 2010
])
def test_former_and_reassigned_area_codes_are_accepted(area, born):
    number = _id(area, born)
    assert parse_resident_id(number) == number


def test_an_x_check_digit_in_either_case():
    body = next(b for b in (f"33011019850312{n:03d}" for n in range(1000)) if ric.calc_check_digit(b + "0") == "X")
    assert parse_resident_id(body + "x") == body + "X"


@pytest.mark.parametrize("value,part", [
    ("330110198503121", "15"),                 # first generation: 18 digits needed
    ("33011019850312123", "18"),               # 17 characters
    ("33011019850312A23X", "17"),              # letters inside
    ("999999" + "19850312" + "1234", "999999"),  # no such area code, ever
    ("330110" + "19850230" + "1234", "7"),     # 30 February
    ("330110" + "21000101" + "1234", "7"),     # the future
])
def test_each_refusal_names_the_wrong_part(value, part):
    with pytest.raises(CellError) as refused:
        parse_resident_id(value)
    assert part in str(refused.value)


def test_a_wrong_check_digit_says_which_digit_is_expected():
    number = _id("330110", "19850312")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(CellError) as refused:
        parse_resident_id(wrong)
    assert number[17] in str(refused.value) and wrong not in str(refused.value)


def test_no_refusal_echoes_the_number():
    for value in ("330110198502301234", "330110210001011234", "999999198503121234"):
        with pytest.raises(CellError) as refused:
            parse_resident_id(value)
        assert value not in str(refused.value) and value[6:14] not in str(refused.value)


def test_the_shipped_list_holds_current_and_former_codes():
    codes = area_codes()
    assert {"330110", "330184", "330113", "110103"} <= codes and len(codes) > 6000
    assert parse_resident_id(_id("330110", "19850312"), today=date(2026, 12, 2))


def test_missing_size_data_is_a_finding_where_the_size_decides_a_duty(tree):
    """Art. 5(3) with Art. 18: a mandatory-standard unit without licence or CCC needs a director when
    large or medium; blank figures would count it small and hide the duty."""
    from supervision.models import ProductionUnit
    from supervision.selectors import filter_by_finding, units_with_findings

    def unit(uscc, **fields):
        return ProductionUnit.objects.create(county=tree.county_a, name=uscc, uscc=uscc, **fields)

    blank = unit("91330110MA2H000011", mandatory_standard=True)
    half = unit("91330110MA2H000012", mandatory_standard=True, employee_count=120)
    known = unit("91330110MA2H000013", mandatory_standard=True, employee_count=120, revenue_wan=800)
    no_duty = unit("91330110MA2H000014", mandatory_standard=False)
    flagged = set(filter_by_finding(units_with_findings(ProductionUnit.objects.all()), "size_data_missing").values_list("pk", flat=True))
    assert flagged == {blank.pk, half.pk}
    assert known.pk not in flagged and no_duty.pk not in flagged
