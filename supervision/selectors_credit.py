"""Reads of the quality credit record and classes (issue 18); the writes are `services.credit`."""

from __future__ import annotations

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
