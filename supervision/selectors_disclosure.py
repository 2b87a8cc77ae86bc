"""Reads of the penalties' disclosure (行政处罚信息公示): what is due by when, what is public, what
was withdrawn. A constant number of queries per page; the deadlines (SAMR Order 45 Art. 8: 20
working days of the decision) counted with one working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from .models import DecisionKind, DisclosureStatus, PenaltyDecision, RepairStatus
from .scoping import scope_queryset
from .services.disclosure import disclosure_due_on, repair_earliest
from .workdays import Calendar

# The console's filter: not yet drafted, waiting for the approvers, public, withdrawn.
STATES = ("due", "drafted", "published", "withdrawn")


@dataclass(frozen=True)
class DisclosureRow:
    decision: PenaltyDecision
    state: str  # one of STATES
    due_on: date | None
    due_unknown: bool  # the holiday schedule does not reach the period yet
    overdue: bool  # not public and past the day it had to be
    ends_on: date | None
    repair_from: date | None
    pending_repair: bool


def disclosable_decisions(*, user) -> QuerySet[PenaltyDecision]:
    """Fines in the user's scope that are (or were) to be disclosed: not replaced by a correction,
    or replaced after their disclosure began (its withdrawal stays on record)."""
    fines = PenaltyDecision.objects.filter(kind=DecisionKind.FINE).filter(Q(superseded=False) | Q(disclosure__isnull=False))
    return scope_queryset(fines, user=user).select_related("unit__county", "order", "disclosure").order_by("-decided_on", "-pk")


def disclosures_filter(queryset: QuerySet[PenaltyDecision], *, state: str = "", query: str = "") -> QuerySet[PenaltyDecision]:
    if state == "due":
        queryset = queryset.filter(disclosure__isnull=True)
    elif state in STATES:
        queryset = queryset.filter(disclosure__status=state)
    if query:
        queryset = queryset.filter(Q(unit__name__icontains=query) | Q(unit__uscc__icontains=query) | Q(number__icontains=query))
    return queryset


def disclosure_rows(*, decisions, today: date) -> list[DisclosureRow]:
    """One row per decision (already loaded with its unit and disclosure)."""
    decisions = list(decisions)
    calendar = Calendar()
    pending = set(PenaltyDecision.objects.filter(
        pk__in=[d.pk for d in decisions], disclosure__repair_applications__status=RepairStatus.PENDING,
    ).values_list("pk", flat=True))
    rows = []
    for decision in decisions:
        disclosure = getattr(decision, "disclosure", None)
        state = disclosure.status if disclosure is not None else "due"
        due_on, unknown = (disclosure.due_on, False) if disclosure is not None and disclosure.due_on else (None, False)
        if due_on is None and state in ("due", DisclosureStatus.DRAFTED):
            try:
                due_on = disclosure_due_on(decision, calendar=calendar)
            except ValidationError:
                unknown = True
        rows.append(DisclosureRow(
            decision=decision, state=state, due_on=due_on, due_unknown=unknown,
            overdue=state in ("due", DisclosureStatus.DRAFTED) and due_on is not None and today > due_on,
            ends_on=disclosure.ends_on if disclosure is not None else None,
            repair_from=repair_earliest(disclosure) if disclosure is not None else None,
            pending_repair=decision.pk in pending,
        ))
    return rows


def disclosures_due(*, user, today: date, limit: int = 10) -> tuple[list[DisclosureRow], int]:
    """For the dashboard: the fines not yet public (not drafted, or waiting for the approvers),
    earliest decision first, and how many there are in all."""
    waiting = disclosable_decisions(user=user).filter(superseded=False).filter(
        Q(disclosure__isnull=True) | Q(disclosure__status=DisclosureStatus.DRAFTED)).order_by("decided_on", "pk")
    return disclosure_rows(decisions=waiting[:limit], today=today), waiting.count()


def penalties_for_export(*, user, start: date, end: date) -> QuerySet[PenaltyDecision]:
    """The penalties decided from `start` to `end` (both included) in the user's scope, for the
    credit platform: fines and warnings, each decision once (a superseded one is replaced by its
    correction, which carries its own number and date)."""
    decisions = PenaltyDecision.objects.filter(
        kind__in=[DecisionKind.FINE, DecisionKind.WARNING], superseded=False, decided_on__gte=start, decided_on__lte=end)
    return scope_queryset(decisions, user=user).select_related(
        "unit__county__legal_settings", "order", "disclosure", "supersedes").order_by("decided_on", "number")
