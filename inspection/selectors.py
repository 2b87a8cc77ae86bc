"""Reads of the inspection side: the item list, an inspection plan's inspections, and an
inspection round's results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    CheckResult, Inspection, InspectionItem, InspectionItemVersion, InspectionStatus, InspectorAssignment, ItemCheck, ItemStatus,
)


def items_offered() -> QuerySet[InspectionItem]:
    """The items a new inspection is given: active ones, each with its current version."""
    return (InspectionItem.objects.filter(status=ItemStatus.ACTIVE, current_version__isnull=False)
            .select_related("current_version").order_by("sort_order", "code"))


def item_versions(item: InspectionItem) -> QuerySet[InspectionItemVersion]:
    return item.versions.select_related("created_by").order_by("-number")


# --- an inspection round's results, for its public page (cms) and the dashboard -----------------

@dataclass(frozen=True)
class InspectionOutcome:
    """One completed inspection as the public sees it: no inspectors', no representatives' names."""

    inspection_id: int
    unit_id: int
    name: str
    uscc: str
    county: str
    inspected_on: date | None
    completed_on: date
    checked: int
    nonconforming: int
    not_applicable: int
    hazards: int
    uncorrected: int
    order_id: int | None

    @property
    def has_findings(self) -> bool:
        return bool(self.nonconforming or self.uncorrected)


def inspections_completed(*, plan) -> list[InspectionOutcome]:
    """The plan's completed inspections with their counts, in draw order, in one query."""
    rows = (
        Inspection.objects.filter(plan=plan, status=InspectionStatus.COMPLETED)
        .select_related("unit__county")
        .annotate(
            n_checked=Count("checks", filter=~Q(checks__result=""), distinct=True),
            n_nonconform=Count("checks", filter=Q(checks__result=CheckResult.NONCONFORM), distinct=True),
            n_na=Count("checks", filter=Q(checks__result=CheckResult.NOT_APPLICABLE), distinct=True),
            n_hazards=Count("hazards", distinct=True),
            n_uncorrected=Count("hazards", filter=Q(hazards__corrected=False), distinct=True),
        )
        .order_by("selection__position", "pk")
    )
    return [
        InspectionOutcome(
            inspection_id=i.pk, unit_id=i.unit_id, name=i.unit.name, uscc=i.unit.uscc, county=i.unit.county.name,
            inspected_on=i.inspected_on, completed_on=timezone.localdate(i.completed_at),
            checked=i.n_checked, nonconforming=i.n_nonconform, not_applicable=i.n_na,
            hazards=i.n_hazards, uncorrected=i.n_uncorrected, order_id=i.order_id,
        )
        for i in rows
    ]


def round_items(*, plan) -> list[dict]:
    """The item versions the plan's inspections were given, each once: what the round inspected."""
    versions = (
        InspectionItemVersion.objects.filter(pk__in=ItemCheck.objects.filter(inspection__plan=plan).values("item_version"))
        .select_related("item").order_by("item__sort_order", "item__code", "number")
    )
    return [{"code": v.item.code, "title": v.title, "legal_basis": v.legal_basis} for v in versions]


def inspection_counts(*, plans) -> dict[int, dict[str, int]]:
    """Per plan pk: its inspections by status (withdrawn left out of the total), in one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Inspection.objects.filter(plan__in=plans).exclude(status=InspectionStatus.WITHDRAWN)
        .values("plan_id", "status").annotate(n=Count("pk"))
    )
    for row in rows:
        plan_counts = counts.setdefault(row["plan_id"], {"total": 0, **{s: 0 for s in InspectionStatus.values}})
        plan_counts[row["status"]] += row["n"]
        plan_counts["total"] += row["n"]
    return counts


def completed_on_by_inspection(*, plans) -> dict[int, tuple[int, date]]:
    """{inspection pk: (plan pk, the day it was completed)} for the plans' completed inspections."""
    rows = Inspection.objects.filter(plan__in=plans, status=InspectionStatus.COMPLETED).values_list("pk", "plan_id", "completed_at")
    return {pk: (plan_id, timezone.localdate(at)) for pk, plan_id, at in rows}


def plan_inspections(*, plan) -> list[Inspection]:
    """The inspections of an inspection plan's drawn units, in drawing order, with their inspectors."""
    return list(
        Inspection.objects.filter(plan=plan).select_related("unit", "selection")
        .prefetch_related(Prefetch("assignments", queryset=InspectorAssignment.objects.select_related("staff__user").order_by("position")))
        .order_by("selection__position")
    )
