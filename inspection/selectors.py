"""Reads of the inspection item list."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import InspectionItem, InspectionItemVersion, ItemStatus


def items_offered() -> QuerySet[InspectionItem]:
    """The items a new inspection is given: active ones, each with its current version."""
    return (InspectionItem.objects.filter(status=ItemStatus.ACTIVE, current_version__isnull=False)
            .select_related("current_version").order_by("sort_order", "code"))


def item_versions(item: InspectionItem) -> QuerySet[InspectionItemVersion]:
    return item.versions.select_related("created_by").order_by("-number")
