"""Reads of the inspection item list and of one inspection's record."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

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
    return get_in_scope_or_404(queryset, user=user, pk=pk)


def inspection_photo_for(*, user, pk: int) -> InspectionPhoto:
    return get_in_scope_or_404(InspectionPhoto.objects.select_related("inspection"), user=user, pk=pk)


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
