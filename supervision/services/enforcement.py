"""Rectification and penalties, Order No. 75 Art. 15-17, as a tracked process.

Art. 15: a unit that fails the assessment rectifies at once. Art. 17: not appointing, training or
assessing the director and officers, or not carrying out their duties: order to correct and a
warning; refusing to correct: a fine of 5,000 to 50,000 yuan. Art. 16: where the head rejected the
director's or officer's advice without good reason, they are cleared personally."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import (
    FINE_MAX_YUAN,
    FINE_MIN_YUAN,
    DecisionKind,
    DecisionStatus,
    OrderEvidence,
    OrderSource,
    OrderStatus,
    PenaltyDecision,
    ProductionUnit,
    RectificationOrder,
    StaffRole,
)
from ..scoping import scope_queryset, staff_profile_of, user_can_edit

DEFAULT_DEADLINE_DAYS = 30
ART_15 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第十五条第三款"
ART_5_17 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第五条、第十七条"
ART_17 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第十七条"
OPEN = (OrderStatus.ISSUED, OrderStatus.EVIDENCE, OrderStatus.OVERDUE)


def _check_editor(actor, unit: ProductionUnit) -> None:
    if actor is None:
        return
    if not user_can_edit(actor) or not scope_queryset(ProductionUnit.objects.filter(pk=unit.pk), user=actor).exists():
        raise PermissionDenied(_("You are not allowed to do this."))


def _check_approver(actor, unit: ProductionUnit) -> None:
    profile = staff_profile_of(actor)
    if profile is None or profile.role not in (StaffRole.APPROVER, StaffRole.ADMIN):
        raise PermissionDenied(_("Only an approver decides penalties."))
    _check_editor(actor, unit)


def _next_number(prefix: str, model, year: int) -> str:
    count = model.objects.filter(number__startswith=f"{prefix}〔{year}〕").count()
    return f"{prefix}〔{year}〕{count + 1}号"


@transaction.atomic
def order_issue(
    *, actor, unit: ProductionUnit, reason: str, legal_basis: str, source_kind: str, source_id: int | None = None,
    source_label: str = "", requires_resit: bool = False, deadline_days: int = DEFAULT_DEADLINE_DAYS, today: date | None = None,
) -> RectificationOrder:
    _check_editor(actor, unit)
    if not 1 <= deadline_days <= 365:
        raise ValidationError(_("The deadline is 1 to 365 days after issue."))
    open_order = RectificationOrder.objects.filter(unit=unit, source_kind=source_kind, source_id=source_id, status__in=OPEN).first()
    if open_order is not None:
        return open_order  # one open order per unit and matter; issuing twice changes nothing
    today = today or timezone.localdate()
    order = RectificationOrder.objects.create(
        unit=unit, number=_next_number(f"{unit.county.name}市监责改", RectificationOrder, today.year),
        source_kind=source_kind, source_id=source_id, source_label=source_label, reason=reason,
        legal_basis=legal_basis, issued_on=today, deadline=today + timedelta(days=deadline_days),
        requires_resit=requires_resit, issued_by=actor,
    )
    log(instance=unit, action="supervision.order_issue", user=actor, data={"order": order.number, "deadline": order.deadline.isoformat()})
    return order


@transaction.atomic
def orders_issue_for_findings(*, actor, units, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> list[RectificationOrder]:
    """Orders for register findings: no director where Art. 5 requires one, or no officer."""
    from ..selectors import units_with_findings

    orders = []
    for unit in units_with_findings(units.select_related("county")):
        problems = []
        if unit.finding_no_director:
            problems.append(_("no quality safety director in post although Article 5 requires one"))
        if unit.finding_no_officer:
            problems.append(_("no quality safety officer in post"))
        if problems:
            orders.append(order_issue(
                actor=actor, unit=unit, reason="；".join(problems), legal_basis=ART_5_17,
                source_kind=OrderSource.REGISTER, source_label=_("register finding"), deadline_days=deadline_days,
            ))
    return orders


@transaction.atomic
def evidence_submit(*, actor, order: RectificationOrder, file, description: str) -> OrderEvidence:
    _check_editor(actor, order.unit)
    if order.status not in OPEN:
        raise ValidationError(_("This order is closed."))
    evidence = OrderEvidence.objects.create(order=order, file=file, description=description.strip()[:200], uploaded_by=actor)
    if order.status == OrderStatus.ISSUED:
        order.status = OrderStatus.EVIDENCE
        order.save(update_fields=["status"])
    log(instance=order.unit, action="supervision.order_evidence", user=actor, data={"order": order.number, "file": evidence.file.name})
    return evidence


@transaction.atomic
def order_verify(*, actor, order: RectificationOrder) -> RectificationOrder:
    """Close an order as rectified. An order from a failed exam closes only once the re-exam is
    passed (Art. 15: 未通过考核的人员不得担任相应岗位)."""
    _check_editor(actor, order.unit)
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in OPEN:
        raise ValidationError(_("This order is closed."))
    if order.requires_resit and not order.resit_passed:
        raise ValidationError(_("The re-exam has not been passed yet; the order stays open."))
    if not order.evidence.exists() and not order.requires_resit:
        raise ValidationError(_("Record the unit's evidence of rectification first."))
    order.status = OrderStatus.VERIFIED
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at"])
    log(instance=order.unit, action="supervision.order_verify", user=actor, data={"order": order.number})
    return order


@transaction.atomic
def order_refuse(*, actor, order: RectificationOrder, note: str) -> RectificationOrder:
    """The unit explicitly refused to correct (拒不改正)."""
    _check_editor(actor, order.unit)
    if order.status not in OPEN:
        raise ValidationError(_("This order is closed."))
    if not note.strip():
        raise ValidationError(_("Record how the unit refused."))
    order.status = OrderStatus.REFUSED
    order.save(update_fields=["status"])
    log(instance=order.unit, action="supervision.order_refuse", user=actor, data={"order": order.number, "note": note})
    return order


def orders_mark_overdue(*, today: date | None = None) -> int:
    """The periodic task: issued orders past their deadline with no evidence turn overdue."""
    today = today or timezone.localdate()
    return RectificationOrder.objects.filter(status=OrderStatus.ISSUED, deadline__lt=today).update(status=OrderStatus.OVERDUE)


def order_record_resit(*, unit_id: int, source_id: int, passed: bool) -> int:
    """Called by the assessment side when the unit's re-exam is graded: every failed person passed."""
    return RectificationOrder.objects.filter(
        unit_id=unit_id, source_kind=OrderSource.ASSESSMENT, source_id=source_id, status__in=OPEN,
    ).update(resit_passed=passed)


@transaction.atomic
def order_record_rejected_advice(*, actor, order: RectificationOrder, note: str, people) -> RectificationOrder:
    """Art. 16: the head rejected the director's or officer's advice without good reason; they
    are deemed to have done their duty and are not penalised."""
    _check_editor(actor, order.unit)
    if not note.strip():
        raise ValidationError(_("Record what was advised and how it was rejected."))
    order.advice_rejected = True
    order.advice_note = note.strip()
    order.save(update_fields=["advice_rejected", "advice_note"])
    order.cleared_people.set([p for p in people if p.unit_id == order.unit_id])
    log(instance=order.unit, action="supervision.order_art16", user=actor, data={"order": order.number})
    return order


@transaction.atomic
def warning_issue(*, actor, order: RectificationOrder, facts: str, today: date | None = None) -> PenaltyDecision:
    """Art. 17: with the order to correct, a warning (警告)."""
    _check_approver(actor, order.unit)
    if order.decisions.filter(kind=DecisionKind.WARNING).exists():
        raise ValidationError(_("A warning has already been given on this order."))
    today = today or timezone.localdate()
    decision = PenaltyDecision.objects.create(
        unit=order.unit, order=order, kind=DecisionKind.WARNING, fine_yuan=None,
        number=_next_number(f"{order.unit.county.name}市监罚", PenaltyDecision, today.year),
        facts=facts.strip() or order.reason, legal_basis=ART_17, decided_by=actor, decided_on=today,
    )
    log(instance=order.unit, action="supervision.penalty_decide", user=actor, data={"decision": decision.number, "kind": "warning"})
    return decision


@transaction.atomic
def fine_decide(*, actor, order: RectificationOrder, fine_yuan: int, facts: str, today: date | None = None) -> PenaltyDecision:
    """Art. 17: refusing to correct is fined 5,000 to 50,000 yuan. Only on an order that is
    overdue or refused, and only by an approver."""
    _check_approver(actor, order.unit)
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in (OrderStatus.OVERDUE, OrderStatus.REFUSED):
        raise ValidationError(_("A fine needs an order to correct that is overdue or refused."))
    if not FINE_MIN_YUAN <= fine_yuan <= FINE_MAX_YUAN:
        raise ValidationError(_("Article 17 sets the fine at 5,000 to 50,000 yuan."))
    today = today or timezone.localdate()
    decision = PenaltyDecision.objects.create(
        unit=order.unit, order=order, kind=DecisionKind.FINE, fine_yuan=fine_yuan,
        number=_next_number(f"{order.unit.county.name}市监罚", PenaltyDecision, today.year),
        facts=facts.strip() or order.reason, legal_basis=ART_17, decided_by=actor, decided_on=today,
    )
    log(instance=order.unit, action="supervision.penalty_decide", user=actor, data={"decision": decision.number, "kind": "fine", "fine_yuan": fine_yuan})
    return decision


@transaction.atomic
def decision_set_status(*, actor, decision: PenaltyDecision, status: str) -> PenaltyDecision:
    _check_editor(actor, decision.unit)
    if status not in DecisionStatus.values:
        raise ValidationError(_("Unknown status."))
    old = decision.status
    decision.status = status
    decision.save(update_fields=["status"])
    log(instance=decision.unit, action="supervision.penalty_status", user=actor, data={"decision": decision.number, "from": old, "to": status})
    return decision
