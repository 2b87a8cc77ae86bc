"""Rectification, Order No. 75 Art. 15-17, as a tracked process; the penalty procedure that may
follow is in `penalties`.

Art. 15 ¶3: a unit that fails the assessment rectifies at once. Art. 17: not appointing, training
or assessing the director and officers, or not carrying out their duties: order to correct and a
warning; refusing to correct: a fine of 5,000 to 50,000 yuan. Art. 16 ¶4: where the head rejected
the director's or officer's advice without good reason, they are cleared personally.

Every change to an order goes through `order_states.transition_target` and is logged on the order
with its actor (the system actor for automatic changes) and its old and new values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import (
    CreditEventKind,
    CreditSourceKind,
    DecisionKind,
    DocumentKind,
    OrderEvidence,
    OrderSource,
    PenaltyDecision,
    ProductionUnit,
    RectificationOrder,
)
from ..authorization import authorize
from ..files import upload_checked
from ..order_states import OPEN, UNDER_DEADLINE, transition_target
from ..selectors import units_with_findings
from .credit import credit_event_record
from .documents import document_number_next
from .system import system_actor

DEFAULT_DEADLINE_DAYS = 30
ART_15 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第十五条第三款"
ART_5_17 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第五条、第十七条"
ART_17 = "《工业产品生产单位落实质量安全主体责任监督管理规定》第十七条"

# Which orders carry the Art. 17 warning in the same step (责令改正，给予警告), decided here once:
# - a register finding (no director where Art. 5 requires one, no officer) is itself the Art. 17
#   conduct "未按规定配备……质量安全总监、质量安全员";
# - an assessment failure is ordered under Art. 15 ¶3 (立即采取整改措施), and the regulator's own
#   finding that a director or officer in post did not pass (or did not sit) its assessment shows
#   the unit did not "按规定……培训、考核" them (Art. 15 ¶1: 未通过考核的人员不得担任相应岗位), which is
#   also Art. 17 conduct; so it carries the warning too.
# The warning is given by the summary procedure (行政处罚法 Art. 51: a warning to a legal person may
# be decided on the spot where the facts are clear and the basis is in law), by the issuing officer.
WARNING_WITH_ORDER = {OrderSource.REGISTER: True, OrderSource.ASSESSMENT: True}


def _locked(order: RectificationOrder) -> RectificationOrder:
    return RectificationOrder.objects.select_for_update(of=("self",)).select_related("unit__county").get(pk=order.pk)


def _move(order: RectificationOrder, action: str, *, actor, log_action: str, data: dict | None = None, fields=()) -> RectificationOrder:
    """Apply `action` to a locked order (the table decides), save, and log old and new status."""
    old = order.status
    order.status = transition_target(action, old)
    order.save(update_fields=["status", *fields])
    log(instance=order, action=log_action, user=actor, data={"order": order.number, "from": old, "to": order.status, **(data or {})})
    return order


@transaction.atomic
def order_issue(
    *, actor, unit: ProductionUnit, reason: str, legal_basis: str, source_kind: str, source_id: int | None = None,
    source_label: str = "", requires_resit: bool = False, deadline_days: int = DEFAULT_DEADLINE_DAYS, today: date | None = None,
    warning: bool | None = None,
) -> RectificationOrder:
    """责令改正, with the Art. 17 warning where `WARNING_WITH_ORDER` says so, in one step. `warning`
    decides it for a source whose matters differ (an inspection: only where a finding is Art. 17 conduct)."""
    authorize(actor, "order.change", unit)
    if not 1 <= deadline_days <= 365:
        raise ValidationError(_("The deadline is 1 to 365 days after issue."))
    open_order = RectificationOrder.objects.filter(unit=unit, source_kind=source_kind, source_id=source_id, status__in=OPEN).first()
    if open_order is not None:
        return open_order  # one open order per unit and matter; issuing twice changes nothing
    today = today or timezone.localdate()
    order = RectificationOrder.objects.create(
        unit=unit, number=document_number_next(jurisdiction=unit.county, kind=DocumentKind.ORDER, year=today.year),
        source_kind=source_kind, source_id=source_id, source_label=source_label, reason=reason,
        legal_basis=legal_basis, issued_on=today, deadline=today + timedelta(days=deadline_days),
        requires_resit=requires_resit, issued_by=actor,
    )
    log(instance=order, action="supervision.order_issue", user=actor,
        data={"order": order.number, "to": order.status, "deadline": order.deadline.isoformat()})
    _credit(order, CreditEventKind.ORDER_ISSUED, today, actor=actor)
    if WARNING_WITH_ORDER.get(source_kind) if warning is None else warning:
        _warning_with_order(actor=actor, order=order, today=today)
    return order


def _warning_with_order(*, actor, order: RectificationOrder, today: date) -> PenaltyDecision:
    """Order 75 Art. 17 "责令改正，给予警告": the warning, decided with the order (行政处罚法 Art. 51)."""
    decision = PenaltyDecision.objects.create(
        unit=order.unit, order=order, kind=DecisionKind.WARNING, fine_yuan=None,
        number=document_number_next(jurisdiction=order.unit.county, kind=DocumentKind.DECISION, year=today.year),
        facts=order.reason, legal_basis=ART_17, decided_by=actor, decided_on=today,
    )
    log(instance=order, action="supervision.penalty_decide", user=actor, data={"order": order.number, "decision": decision.number, "kind": "warning"})
    credit_event_record(unit=order.unit, kind=CreditEventKind.WARNING, occurred_on=today, source_kind=CreditSourceKind.DECISION,
                        source_id=decision.pk, source_label=decision.number, article=ART_17, detail=order.number, actor=actor)
    return decision


def _credit(order: RectificationOrder, kind: str, occurred_on: date, *, actor, article: str = "") -> None:
    """The order's step in the unit's credit record (issue 18), once per order and kind."""
    credit_event_record(unit=order.unit, kind=kind, occurred_on=occurred_on, source_kind=CreditSourceKind.ORDER, source_id=order.pk,
                        source_label=order.number, article=article or order.legal_basis, detail=order.source_label, actor=actor)


@dataclass(frozen=True)
class OrderDraft:
    """An order as it would be issued: what the preview shows and `orders_issue_drafts` issues."""

    unit: ProductionUnit
    reason: str
    legal_basis: str
    source_kind: str
    source_id: int | None = None
    source_label: str = ""
    requires_resit: bool = False
    open_order: RectificationOrder | None = None  # already issued for this matter: issuing again changes nothing
    warning: bool | None = None  # None: as `WARNING_WITH_ORDER` says for the source

    @property
    def with_warning(self) -> bool:
        return bool(WARNING_WITH_ORDER.get(self.source_kind)) if self.warning is None else self.warning


def order_drafts(drafts: list[OrderDraft]) -> list[OrderDraft]:
    """The drafts with the open order each already has for its matter (one query for all)."""
    from dataclasses import replace

    if not drafts:
        return []
    existing = {
        (order.unit_id, order.source_kind, order.source_id): order
        for order in RectificationOrder.objects.filter(unit__in=[d.unit for d in drafts], status__in=OPEN)
    }
    return [replace(d, open_order=existing.get((d.unit.pk, d.source_kind, d.source_id))) for d in drafts]


def order_document_draft(draft: OrderDraft, *, actor, deadline_days: int, today: date | None = None):
    """The 责令改正通知书 (and its warning) as they will print, unsaved and unnumbered."""
    today = today or timezone.localdate()
    pending = _("(numbered when issued)")
    order = RectificationOrder(
        unit=draft.unit, number=pending, source_kind=draft.source_kind, source_id=draft.source_id, source_label=draft.source_label,
        reason=draft.reason, legal_basis=draft.legal_basis, issued_on=today, deadline=today + timedelta(days=deadline_days),
        requires_resit=draft.requires_resit, issued_by=actor,
    )
    warning = PenaltyDecision(unit=draft.unit, kind=DecisionKind.WARNING, number=pending, facts=draft.reason, legal_basis=ART_17,
                              decided_by=actor, decided_on=today) if draft.with_warning else None
    return order, warning


@transaction.atomic
def orders_issue_drafts(*, actor, drafts: list[OrderDraft], deadline_days: int = DEFAULT_DEADLINE_DAYS) -> list[RectificationOrder]:
    """Issues every draft (all or nothing); a matter that already has an open order keeps it."""
    if not 1 <= deadline_days <= 365:
        raise ValidationError(_("The deadline is 1 to 365 days after issue."))
    return [
        order_issue(
            actor=actor, unit=d.unit, reason=d.reason, legal_basis=d.legal_basis, source_kind=d.source_kind, source_id=d.source_id,
            source_label=d.source_label, requires_resit=d.requires_resit, deadline_days=deadline_days, warning=d.warning,
        )
        for d in drafts
    ]


def findings_order_drafts(units) -> list[OrderDraft]:
    """Orders for register findings: no director where Art. 5 requires one, or no officer (Art. 5, 17)."""
    drafts = []
    for unit in units_with_findings(units.select_related("county")).order_by("name", "pk"):
        problems = []
        if unit.finding_no_director:
            problems.append(_("no quality safety director in post although Article 5 requires one"))
        if unit.finding_no_officer:
            problems.append(_("no quality safety officer in post"))
        if problems:
            drafts.append(OrderDraft(unit=unit, reason="；".join(problems), legal_basis=ART_5_17,
                                     source_kind=OrderSource.REGISTER, source_label=_("register finding")))
    return order_drafts(drafts)


@transaction.atomic
def orders_issue_for_findings(*, actor, units, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> list[RectificationOrder]:
    """Orders for register findings, as `findings_order_drafts` lists them."""
    return orders_issue_drafts(actor=actor, drafts=findings_order_drafts(units), deadline_days=deadline_days)


@transaction.atomic
def evidence_submit(*, actor, order: RectificationOrder, file, description: str) -> OrderEvidence:
    authorize(actor, "order.change", order.unit)
    order = _locked(order)
    transition_target("evidence", order.status)
    upload_checked(file)  # by content: an evil.html named .pdf is refused
    evidence = OrderEvidence.objects.create(order=order, file=file, description=description.strip()[:200], uploaded_by=actor)
    _move(order, "evidence", actor=actor, log_action="supervision.order_evidence", data={"file": evidence.file.name, "description": evidence.description})
    return evidence


@transaction.atomic
def order_verify(*, actor, order: RectificationOrder) -> RectificationOrder:
    """Close an order as rectified. An order from a failed exam closes only once the re-exam is
    passed (Art. 15 ¶1: 未通过考核的人员不得担任相应岗位)."""
    authorize(actor, "order.change", order.unit)
    order = _locked(order)
    if not order.evidence.exists():
        raise ValidationError(_("Record the unit's evidence of rectification first."))
    transition_target("verify", order.status)
    if order.requires_resit and not order.resit_passed:
        raise ValidationError(_("The re-exam has not been passed yet; the order stays open."))
    order.closed_at = timezone.now()
    _move(order, "verify", actor=actor, log_action="supervision.order_verify", fields=["closed_at"])
    _credit(order, CreditEventKind.ORDER_VERIFIED, timezone.localdate(order.closed_at), actor=actor)
    return order


@transaction.atomic
def order_reject_evidence(*, actor, order: RectificationOrder, reason: str, deadline_days: int, today: date | None = None) -> RectificationOrder:
    """The evidence does not show the correction: back to issued with the reason and a new deadline."""
    authorize(actor, "order.change", order.unit)
    order = _locked(order)
    transition_target("reject", order.status)
    if not reason.strip():
        raise ValidationError(_("Say why the evidence does not show the correction."))
    if not 1 <= deadline_days <= 365:
        raise ValidationError(_("The deadline is 1 to 365 days after issue."))
    old_deadline = order.deadline
    order.deadline = (today or timezone.localdate()) + timedelta(days=deadline_days)
    return _move(order, "reject", actor=actor, log_action="supervision.order_reject", fields=["deadline"],
                 data={"reason": reason.strip(), "old_deadline": old_deadline.isoformat(), "deadline": order.deadline.isoformat()})


@transaction.atomic
def order_refuse(*, actor, order: RectificationOrder, note: str) -> RectificationOrder:
    """The unit refused to correct (拒不改正): the facts of the refusal are recorded with it."""
    authorize(actor, "order.change", order.unit)
    order = _locked(order)
    transition_target("refuse", order.status)
    if not note.strip():
        raise ValidationError(_("Record how the unit refused."))
    _move(order, "refuse", actor=actor, log_action="supervision.order_refuse", data={"note": note.strip()})
    _credit(order, CreditEventKind.ORDER_REFUSED, timezone.localdate(), actor=actor, article=ART_17)  # Art. 17: 拒不改正
    return order


@transaction.atomic
def orders_mark_overdue(*, today: date | None = None, actor=None) -> int:
    """The periodic task: every order past its deadline and not verified turns overdue, evidence
    or not (Art. 17: the correction is judged at the deadline). Logged under the system actor."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    late = RectificationOrder.objects.select_for_update().filter(status__in=UNDER_DEADLINE, deadline__lt=today)
    count = 0
    for order in late.order_by("pk"):
        _move(order, "overdue", actor=actor, log_action="supervision.order_overdue", data={"deadline": order.deadline.isoformat()})
        _credit(order, CreditEventKind.ORDER_OVERDUE, order.deadline + timedelta(days=1), actor=actor)
        count += 1
    return count


@transaction.atomic
def order_record_resit(*, unit_id: int, source_id: int, passed: bool, actor=None) -> int:
    """Called by the assessment side when the unit's re-exam is graded (or its people are marked
    absent): whether every failed person has now passed. Each report is logged on the order."""
    actor = actor or system_actor()
    orders = RectificationOrder.objects.select_for_update().filter(
        unit_id=unit_id, source_kind=OrderSource.ASSESSMENT, source_id=source_id, status__in=OPEN,
    )
    count = 0
    for order in orders.order_by("pk"):
        old = order.resit_passed
        order.resit_passed = passed
        order.save(update_fields=["resit_passed"])
        log(instance=order, action="supervision.order_resit", user=actor, data={"order": order.number, "from": old, "to": passed})
        count += 1
    return count


@transaction.atomic
def order_record_rejected_advice(*, actor, order: RectificationOrder, note: str, people) -> RectificationOrder:
    """Art. 16 ¶4: the head rejected the director's or officer's advice without good reason; they
    are deemed to have done their duty and are not penalised. Art. 16 ¶3: it also weighs on the
    unit's fault and the amount of any fine, so it is printed in the notice and the decision."""
    authorize(actor, "order.change", order.unit)
    if not note.strip():
        raise ValidationError(_("Record what was advised and how it was rejected."))
    order = _locked(order)
    order.advice_rejected = True
    order.advice_note = note.strip()
    order.save(update_fields=["advice_rejected", "advice_note"])
    cleared = [p for p in people if p.unit_id == order.unit_id]
    order.cleared_people.set(cleared)
    log(instance=order, action="supervision.order_art16", user=actor, data={"order": order.number, "note": order.advice_note, "cleared": [p.pk for p in cleared]})
    return order
