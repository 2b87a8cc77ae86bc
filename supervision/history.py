"""A unit's history in time order: its orders and decisions, and what upper layers add (its
assessments), registered here so the register never imports them (DESIGN.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class HistoryEntry:
    when: date | datetime
    kind: str
    text: str
    url: str = ""


_providers: list[Callable[[object], list[HistoryEntry]]] = []


def register_history_provider(provider: Callable[[object], list[HistoryEntry]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def unit_history(unit) -> list[HistoryEntry]:
    from django.urls import reverse

    entries: list[HistoryEntry] = []
    for order in unit.orders.all():
        entries.append(HistoryEntry(order.issued_on, _("Order to correct"), f"{order.number}：{order.reason}", reverse("orders:inspect", args=[order.pk])))
        if order.closed_at:
            entries.append(HistoryEntry(order.closed_at, _("Verify rectification"), order.number, reverse("orders:inspect", args=[order.pk])))
    for decision in unit.decisions.all():
        amount = f"，{decision.fine_yuan} 元" if decision.fine_yuan else ""
        entries.append(HistoryEntry(decision.decided_on, decision.get_kind_display(), f"{decision.number}{amount}", reverse("penalties:print", args=[decision.pk])))
    for provider in _providers:
        entries.extend(provider(unit))
    return sorted(entries, key=lambda e: _as_datetime(e.when).replace(tzinfo=None))
