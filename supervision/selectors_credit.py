"""Reads of the quality credit record and classes (issue 18); the writes are `services.credit`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import CreditEvent, CreditRuleSet, ProductionUnit, UnitCreditClass


def credit_rule_set_current() -> CreditRuleSet:
    """The rules in force: the newest version (the migration seeds version 1)."""
    return CreditRuleSet.objects.prefetch_related("rules").order_by("-version").first()


def credit_rule_sets() -> QuerySet[CreditRuleSet]:
    """Every version, newest first, with who changed it."""
    return CreditRuleSet.objects.select_related("created_by").prefetch_related("rules").order_by("-version")


def unit_credit_record(*, unit: ProductionUnit) -> QuerySet[CreditEvent]:
    """质量信用档案: the unit's events, newest first."""
    return CreditEvent.objects.filter(unit=unit).order_by("-occurred_on", "-pk")


def unit_credit_class(*, unit: ProductionUnit) -> UnitCreditClass | None:
    """The unit's class as last computed, or None before the first computation."""
    return UnitCreditClass.objects.select_related("rule_set").filter(unit=unit).first()


def credit_classes_of(*, unit_ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """Each unit's class letter as last computed, in one query (`unit_ids` a list of ids or a
    queryset of them, used as a subquery). A unit not computed yet is absent: its class is
    `credit_class_unrated()`."""
    return dict(UnitCreditClass.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "letter").order_by())


def credit_class_unrated() -> str:
    """The class of a unit whose class has not been computed yet (registered since the last
    `credit_recompute`): what the rules in force give a unit with nothing on record, score 0, so
    it is the class the next recompute stores (A under the default rules)."""
    return CreditRuleSet.objects.order_by("-version").only("b_from", "c_from", "d_from").first().letter_for(0)
