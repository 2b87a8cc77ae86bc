"""Rebuilding the credit record (`credit_backfill`): supervision's own orders and decisions as
events, and whatever the layers above report again through the sources they registered
(`credit.register_credit_source`, from their `ready()`). What is on record already stays."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import CreditEventKind, CreditSourceKind, DecisionKind, OrderStatus, PenaltyDecision, RectificationOrder
from ..order_states import OPEN
from .credit import BATCH_SIZE, CreditReport, credit_events_record, credit_sources
from .enforcement import ART_17


def order_credit_reports(*, since: date | None = None) -> list[CreditReport]:
    """Supervision's own data as events: every order issued, verified, overdue or refused, every
    warning and fine in force. The dates of verification, overdue and refusal are the order's
    closing date or the day after its deadline (the log's own step dates are not read back)."""
    orders = RectificationOrder.objects.all()
    if since:
        orders = orders.filter(issued_on__gte=since)
    reports = []
    for order in orders.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        common = {"unit_id": order.unit_id, "source_kind": CreditSourceKind.ORDER, "source_id": order.pk,
                  "source_label": order.number, "detail": order.source_label}
        reports.append(CreditReport(kind=CreditEventKind.ORDER_ISSUED, occurred_on=order.issued_on, article=order.legal_basis, **common))
        if order.status == OrderStatus.VERIFIED and order.closed_at:
            reports.append(CreditReport(kind=CreditEventKind.ORDER_VERIFIED, occurred_on=timezone.localdate(order.closed_at),
                                        article=order.legal_basis, **common))
        if order.status in (OrderStatus.OVERDUE, OrderStatus.REFUSED):
            reports.append(CreditReport(kind=CreditEventKind.ORDER_OVERDUE, occurred_on=order.deadline + timedelta(days=1),
                                        article=order.legal_basis, **common))
        if order.status == OrderStatus.REFUSED:
            reports.append(CreditReport(kind=CreditEventKind.ORDER_REFUSED, occurred_on=order.deadline + timedelta(days=1),
                                        article=ART_17, **common))
    decisions = PenaltyDecision.objects.filter(kind__in=[DecisionKind.WARNING, DecisionKind.FINE], superseded=False).select_related("order")
    if since:
        decisions = decisions.filter(decided_on__gte=since)
    for decision in decisions.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        reports.append(decision_credit_report(decision))
    return reports


def decision_credit_report(decision: PenaltyDecision) -> CreditReport:
    kind = CreditEventKind.FINE if decision.kind == DecisionKind.FINE else CreditEventKind.WARNING
    return CreditReport(unit_id=decision.unit_id, kind=kind, occurred_on=decision.decided_on, source_kind=CreditSourceKind.DECISION,
                        source_id=decision.pk, source_label=decision.number, article=decision.legal_basis, detail=decision.order.number)


@transaction.atomic
def credit_backfill(*, since: date | None = None, actor=None) -> dict[str, int]:
    """Rebuild the record from supervision's orders and decisions and from every registered
    source; what is already on record stays as it is. Returns the new events per source."""
    counts = {}
    for name, reports in [("supervision", order_credit_reports), *credit_sources().items()]:
        counts[name] = len(credit_events_record(reports=reports(since=since), actor=actor))
    return counts


# An order still open this long after it was issued (整改久拖不决): the record says so once per order.
FINDING_OPEN_LONG_DAYS = 180


def credit_findings_open_long(*, today: date | None = None, actor=None) -> int:
    """Every order still open (issued, evidence under review, overdue) `FINDING_OPEN_LONG_DAYS`
    after its issue gets its event, dated the day the period ran out. Run daily before the recompute."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=FINDING_OPEN_LONG_DAYS)
    orders = RectificationOrder.objects.filter(status__in=OPEN, issued_on__lte=cutoff).order_by("pk")
    return len(credit_events_record(reports=[
        CreditReport(unit_id=o.unit_id, kind=CreditEventKind.FINDING_OPEN_LONG, occurred_on=o.issued_on + timedelta(days=FINDING_OPEN_LONG_DAYS),
                     source_kind=CreditSourceKind.ORDER, source_id=o.pk, source_label=o.number, article=o.legal_basis, detail=o.source_label)
        for o in orders
    ], actor=actor))
