"""Reads of the inspection side: the item list, an inspection plan's inspections, one inspection's
record, and an inspection round's results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import PlanPurpose, PlanStatus, SamplingPlan
from assessment.selectors import draw_current, draw_selections
from supervision.history import HistoryEntry
from supervision.scoping import get_in_scope_or_404

from .authorization import OPEN_STATUSES
from .models import (
    CheckResult, Hazard, Inspection, InspectionItem, InspectionItemVersion, InspectionPhoto, InspectionStatus, InspectorAssignment,
    ItemCheck, ItemStatus, RecordKind, RecordSighting,
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


# --- one inspection: the inspector's tasks, the record, the unit's history -------------------------


def inspections_of_inspector(*, user) -> QuerySet[Inspection]:
    """我的检查任务: the open inspections the user was drawn for, newest first."""
    return (Inspection.objects.filter(assignments__staff__user_id=user.pk, status__in=OPEN_STATUSES)
            .select_related("unit", "plan").order_by("-created_at", "-pk").distinct())


def inspection_for_record(*, user, pk: int) -> Inspection:
    """The inspection with everything its pages show, in the user's scope (404 outside it)."""
    queryset = Inspection.objects.select_related("unit__county", "plan__jurisdiction", "order").prefetch_related(
        Prefetch("checks", queryset=ItemCheck.objects.select_related("item_version", "recorded_by").prefetch_related("photos").order_by("position")),
        Prefetch("assignments", queryset=InspectorAssignment.objects.select_related("staff__user").order_by("position")),
        Prefetch("sightings", queryset=RecordSighting.objects.order_by("kind")),
        Prefetch("hazards", queryset=Hazard.objects.order_by("recorded_at", "pk")),
        Prefetch("photos", queryset=InspectionPhoto.objects.order_by("uploaded_at", "pk")),
    )
    return _in_scope_or_drawn(queryset, user=user, pk=pk, drawn=Q(assignments__staff__user_id=user.pk))


def inspection_photo_for(*, user, pk: int) -> InspectionPhoto:
    return _in_scope_or_drawn(InspectionPhoto.objects.select_related("inspection"), user=user, pk=pk,
                              drawn=Q(inspection__assignments__staff__user_id=user.pk))


def _in_scope_or_drawn(queryset, *, user, pk: int, drawn: Q):
    """In the user's jurisdiction, or an inspection they were drawn for from another county of the
    city (the widened pool); a 404 otherwise."""
    try:
        return get_in_scope_or_404(queryset, user=user, pk=pk)
    except Http404:
        found = queryset.filter(drawn, pk=pk).distinct().first() if user.is_authenticated else None
        if found is None:
            raise
        return found


def sightings_by_kind(inspection: Inspection) -> list[tuple[str, str, RecordSighting | None]]:
    """(kind, label, the sighting or None) for the three records of Art. 10–12, in their order."""
    found = {s.kind: s for s in inspection.sightings.all()}
    return [(kind, label, found.get(kind)) for kind, label in RecordKind.choices]


def inspection_result_text(inspection: Inspection) -> str:
    checks = list(inspection.checks.all())
    nonconform = sum(1 for c in checks if c.result == CheckResult.NONCONFORM)
    open_hazards = sum(1 for h in inspection.hazards.all() if not h.corrected)
    if not nonconform and not open_hazards:
        return _("All items conform")
    parts = []
    if nonconform:
        parts.append(_("%(n)s items do not conform") % {"n": nonconform})
    if open_hazards:
        parts.append(_("%(n)s hazards not corrected") % {"n": open_hazards})
    return "，".join(parts)


def unit_inspection_history(unit) -> list[HistoryEntry]:
    """The unit's completed inspections for its history (registered with supervision.history)."""
    entries = []
    inspections = (Inspection.objects.filter(unit=unit, status=InspectionStatus.COMPLETED).select_related("plan", "order")
                   .prefetch_related("checks", "hazards"))
    for inspection in inspections:
        text = [inspection.plan.title, inspection_result_text(inspection)]
        if inspection.order_id:
            text.append(_("order %(number)s") % {"number": inspection.order.number})
        entries.append(HistoryEntry(inspection.completed_at, str(_("On-site inspection completed")), " · ".join(text),
                                    reverse("inspection:detail", args=[inspection.pk])))
    return entries


# --- a round -----------------------------------------------------------------------------------------


def round_close_problems(*, plan: SamplingPlan) -> list[str]:
    """Why the round cannot be closed yet, in Chinese, one line per reason; empty when it can."""
    if plan.purpose != PlanPurpose.INSPECTION:
        return [_("Only an on-site inspection round is closed here.")]
    if plan.status != PlanStatus.DRAWN:
        return [_("Only a drawn plan can be closed.")]
    active = {s.pk: s for s in draw_selections(draw=draw_current(plan=plan), active_only=True)}
    inspections = {i.selection_id: i for i in Inspection.objects.filter(plan=plan).select_related("unit")}
    problems = []
    undrawn = [s.unit.name for pk, s in active.items() if pk not in inspections]
    if undrawn:
        problems.append(_("No inspectors drawn yet for: %(units)s.") % {"units": "、".join(undrawn)})
    open_ = [i.unit.name for i in inspections.values() if i.status in OPEN_STATUSES and i.selection_id in active]
    if open_:
        problems.append(_("Not yet completed (both signatures and the unit's answer): %(units)s.") % {"units": "、".join(open_)})
    return problems
