"""Order 75 Art. 18 (size classes) and Art. 5 (who must appoint a director), at their boundaries."""

from decimal import Decimal

import pytest

from supervision.rules import director_required_for, size_class_for


@pytest.mark.parametrize(
    "employees, revenue_wan, expected",
    [
        # Art. 18(3): "一千人以上" includes 1,000.
        (1000, None, "large"),
        (999, None, "medium"),
        # "营业收入四亿元以上" = 40,000 万元, included.
        (10, Decimal("40000"), "large"),
        (10, Decimal("39999.99"), "medium"),
        # "三百人以上" includes 300.
        (300, None, "medium"),
        (299, None, "small"),
        # "二千万元以上" = 2,000 万元, included.
        (0, Decimal("2000"), "medium"),
        (0, Decimal("1999.99"), "small"),
        # Either test puts a unit in the class.
        (299, Decimal("40000"), "large"),
        (1200, Decimal("10"), "large"),
        # Unknown figures count as zero.
        (None, None, "small"),
    ],
)
def test_size_class_art_18(employees, revenue_wan, expected):
    assert size_class_for(employee_count=employees, revenue_wan=revenue_wan) == expected


@pytest.mark.parametrize(
    "licence_or_ccc, size, standard, expected",
    [
        (True, "small", False, True),  # Art. 5(1)(2): any licence or CCC unit, whatever its size
        (False, "large", True, True),  # Art. 5(3): large with mandatory standards
        (False, "medium", True, True),  # Art. 5(3): medium with mandatory standards
        (False, "small", True, False),  # small units are only "guided" (Art. 5, last paragraph)
        (False, "large", False, False),  # no licence, no CCC, no mandatory standard
    ],
)
def test_director_required_art_5(licence_or_ccc, size, standard, expected):
    assert director_required_for(has_licence_or_ccc=licence_or_ccc, size_class=size, mandatory_standard=standard) is expected
