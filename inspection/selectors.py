"""Reads of the inspection item list and of an inspection plan's inspections."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Inspection, InspectionItem, InspectionItemVersion, InspectorAssignment, ItemStatus


def items_offered() -> QuerySet[InspectionItem]:
    """The items a new inspection is given: active ones, each with its current version."""
    return (InspectionItem.objects.filter(status=ItemStatus.ACTIVE, current_version__isnull=False)
            .select_related("current_version").order_by("sort_order", "code"))


def item_versions(item: InspectionItem) -> QuerySet[InspectionItemVersion]:
    return item.versions.select_related("created_by").order_by("-number")


def plan_inspections(*, plan) -> list[Inspection]:
    """The inspections of an inspection plan's drawn units, in drawing order, with their inspectors."""
    return list(
        Inspection.objects.filter(plan=plan).select_related("unit", "selection")
        .prefetch_related(Prefetch("assignments", queryset=InspectorAssignment.objects.select_related("staff__user").order_by("position")))
        .order_by("selection__position")
    )
