"""The fine under Order 75 Art. 17, by the ordinary procedure of the 行政处罚法:

1. prior notice (行政处罚告知书, Art. 44): facts, reasons, basis, the intended amount, and the
   unit's rights: to state its case and defend itself (陈述、申辩, Art. 45) within a period
   (`PENALTY_STATEMENT_DAYS`), and to a hearing (听证, Art. 63, 64) where the amount reaches the
   province's threshold (`PENALTY_HEARING_THRESHOLD_YUAN`);
2. statements recorded, a written waiver recorded, a hearing held where requested;
3. the decision (Art. 59), not before the period ends unless the unit waived in writing, never
   above the notified amount (Art. 45 ¶2: 不得因当事人陈述、申辩而给予更重的处罚), and only one per
   order (Art. 29); a correction supersedes the old decision, it never adds a second fine;
   or, where the statement shows no penalty is due, a decision not to impose one (Art. 57 ¶1(2),
   (3); Art. 33 ¶1), after which no fine can follow on that order.

The statement period is counted in working days (Art. 85), from the day after the notice."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import (
    FINE_MAX_YUAN,
    CreditEventKind,
    CreditSourceKind,
    FINE_MIN_YUAN,
    BureauLegalSettings,
    NoPenaltyGround,
    DecisionKind,
    DecisionStatus,
    DocumentKind,
    PenaltyDecision,
    PenaltyNotice,
    PenaltyStatement,
    RectificationOrder,
)
from ..order_states import FINABLE
from ..workdays import working_days_after
from .documents import document_number_next
from ..authorization import authorize
from .credit import credit_event_record, credit_event_transfer
from .disclosure import disclosure_on_correction
from .enforcement import ART_17

# 行政处罚法 Art. 57 ¶1: after the investigation (and the unit's statement, Art. 45 ¶1: 当事人提出的
# 事实、理由或者证据成立的，行政机关应当采纳), the head decides; the basis of each ground for no penalty.
NO_PENALTY_BASIS = {
    NoPenaltyGround.NOT_ESTABLISHED: "《中华人民共和国行政处罚法》第五十七条第一款第（三）项",
    NoPenaltyGround.MINOR_CORRECTED: "《中华人民共和国行政处罚法》第三十三条第一款、第五十七条第一款第（二）项",
    NoPenaltyGround.FIRST_MINOR: "《中华人民共和国行政处罚法》第三十三条第一款、第五十七条第一款第（二）项",
}


def _one_fine() -> ValidationError:
    return ValidationError(_("This order already has a fine. 行政处罚法 Article 29 forbids a second fine for the same violation; correct the decision instead."))


def statement_days() -> int:
    return int(getattr(settings, "PENALTY_STATEMENT_DAYS", 5))


def hearing_threshold_yuan() -> int:
    return int(getattr(settings, "PENALTY_HEARING_THRESHOLD_YUAN", 10_000))


def legal_settings_of(order: RectificationOrder) -> BureauLegalSettings | None:
    return BureauLegalSettings.objects.filter(jurisdiction_id=order.unit.county_id).first()


def _check_amount(fine_yuan: int) -> None:
    if not FINE_MIN_YUAN <= fine_yuan <= FINE_MAX_YUAN:
        raise ValidationError(_("Article 17 sets the fine at 5,000 to 50,000 yuan."))


def _check_particulars(order: RectificationOrder) -> None:
    """行政处罚法 Art. 59, 67: the document names where and how to pay and where to appeal."""
    if legal_settings_of(order) is None:
        raise ValidationError(_("The bureau's legal particulars (payment, review body, court) are not set; an administrator fills them in first."))


def _circumstances(order: RectificationOrder, text: str) -> str:
    """Order 75 Art. 16 ¶3: the unit's conduct of its responsibility weighs on the amount; a
    rejected advice of the director (Art. 16 ¶4) is part of it."""
    parts = [text.strip()] if text.strip() else []
    if order.advice_rejected:
        parts.append(_("The unit's head rejected the advice of its quality safety staff without good reason: %(note)s") % {"note": order.advice_note})
    return "；".join(parts)


def statement_deadline(notified_on: date) -> date:
    """The last day to state a case (and, from the hearing threshold, to ask for a hearing: Art. 64
    ¶1(1) 告知后五日内): `statement_days()` working days after the notice (Art. 85)."""
    return working_days_after(notified_on, statement_days())


def notice_check(*, order: RectificationOrder, fine_yuan: int, today: date | None = None) -> None:
    """What `notice_issue` refuses, for the preview as well."""
    if order.status not in FINABLE:
        raise ValidationError(_("A fine needs an order to correct that is overdue or refused."))
    if PenaltyNotice.objects.filter(order=order).exists():
        raise ValidationError(_("A prior notice has already been sent on this order."))
    _check_amount(fine_yuan)
    _check_particulars(order)
    statement_deadline(today or timezone.localdate())  # the holiday schedule covers the period


def notice_draft(*, order: RectificationOrder, fine_yuan: int, facts: str, circumstances: str = "", today: date | None = None) -> PenaltyNotice:
    """The notice as it would be sent, unsaved: for the preview."""
    today = today or timezone.localdate()
    return PenaltyNotice(
        unit=order.unit, order=order, number="", facts=facts.strip() or order.reason, legal_basis=ART_17,
        intended_fine_yuan=fine_yuan, circumstances=_circumstances(order, circumstances), notified_on=today,
        statement_deadline=statement_deadline(today), hearing_offered=fine_yuan >= hearing_threshold_yuan(),
    )


@transaction.atomic
def notice_issue(*, actor, order: RectificationOrder, fine_yuan: int, facts: str, circumstances: str = "", today: date | None = None) -> PenaltyNotice:
    """行政处罚法 Art. 44: the prior notice of the intended fine, with the unit's rights."""
    authorize(actor, "penalty.decide", order.unit)
    order = RectificationOrder.objects.select_for_update(of=("self",)).select_related("unit__county").get(pk=order.pk)
    notice_check(order=order, fine_yuan=fine_yuan, today=today)
    notice = notice_draft(order=order, fine_yuan=fine_yuan, facts=facts, circumstances=circumstances, today=today)
    notice.number = document_number_next(jurisdiction=order.unit.county, kind=DocumentKind.NOTICE, year=notice.notified_on.year)
    notice.issued_by = actor
    notice.save()
    log(instance=order, action="supervision.notice_issue", user=actor, data={
        "order": order.number, "notice": notice.number, "intended_fine_yuan": fine_yuan,
        "statement_deadline": notice.statement_deadline.isoformat(), "hearing_offered": notice.hearing_offered,
    })
    return notice


@transaction.atomic
def statement_record(*, actor, notice: PenaltyNotice, text: str, received_on: date, hearing_requested: bool = False) -> PenaltyStatement:
    """行政处罚法 Art. 45: the authority hears the unit's statement and defence and records it."""
    authorize(actor, "order.change", notice.unit)
    if not text.strip():
        raise ValidationError(_("Record what the unit stated."))
    if received_on < notice.notified_on:
        raise ValidationError(_("A statement cannot be received before the notice."))
    if hearing_requested and not notice.hearing_offered:
        raise ValidationError(_("No hearing is offered for this amount (行政处罚法 Article 63)."))
    if hearing_requested and received_on > notice.hearing_request_deadline:
        raise ValidationError(_("A hearing must be asked for within 5 working days of the notice, by %(date)s (行政处罚法 Articles 64 and 85).") % {"date": notice.hearing_request_deadline.isoformat()})
    statement = PenaltyStatement.objects.create(notice=notice, text=text.strip(), received_on=received_on, hearing_requested=hearing_requested, recorded_by=actor)
    log(instance=notice.order, action="supervision.notice_statement", user=actor, data={
        "notice": notice.number, "received_on": received_on.isoformat(), "hearing_requested": hearing_requested, "text": statement.text,
    })
    return statement


@transaction.atomic
def waiver_record(*, actor, notice: PenaltyNotice, note: str, received_on: date) -> PenaltyNotice:
    """The unit waived its rights to state, defend and be heard, in writing: the decision may then
    come before the period ends."""
    authorize(actor, "order.change", notice.unit)
    if not note.strip():
        raise ValidationError(_("Record the unit's written waiver (who signed it, and when)."))
    if received_on < notice.notified_on:
        raise ValidationError(_("A waiver cannot be received before the notice."))
    notice.waived_on, notice.waiver_note, notice.waiver_recorded_by = received_on, note.strip(), actor
    notice.save(update_fields=["waived_on", "waiver_note", "waiver_recorded_by"])
    log(instance=notice.order, action="supervision.notice_waiver", user=actor, data={"notice": notice.number, "waived_on": received_on.isoformat(), "note": notice.waiver_note})
    return notice


@transaction.atomic
def hearing_record(*, actor, notice: PenaltyNotice, held_on: date, note: str) -> PenaltyNotice:
    """行政处罚法 Art. 64: the hearing the unit asked for, and its record."""
    authorize(actor, "penalty.decide", notice.unit)
    if not notice.hearing_requested:
        raise ValidationError(_("The unit has not asked for a hearing."))
    if not note.strip():
        raise ValidationError(_("Record what was heard."))
    notice.hearing_held_on, notice.hearing_note = held_on, note.strip()
    notice.save(update_fields=["hearing_held_on", "hearing_note"])
    log(instance=notice.order, action="supervision.notice_hearing", user=actor, data={"notice": notice.number, "held_on": held_on.isoformat()})
    return notice


def fine_check(*, order: RectificationOrder, fine_yuan: int, today: date | None = None) -> PenaltyNotice:
    """Everything `fine_decide` refuses, for the preview as well. Returns the order's notice."""
    today = today or timezone.localdate()
    outcome = _outcome_of(order)
    if outcome is not None:
        raise _one_fine() if outcome.kind == DecisionKind.FINE else _no_penalty_bars(outcome)
    notice = PenaltyNotice.objects.filter(order=order).prefetch_related("statements").first()
    if notice is None:
        raise ValidationError(_("Send the prior notice (行政处罚告知书) first: 行政处罚法 Article 44."))
    _check_amount(fine_yuan)
    if fine_yuan > notice.intended_fine_yuan:
        raise ValidationError(_("The fine may not exceed the %(amount)s yuan stated in the prior notice (行政处罚法 Article 45).") % {"amount": notice.intended_fine_yuan})
    if notice.waived_on is None and today <= notice.statement_deadline:
        raise ValidationError(_("The unit may state its case until %(date)s; decide after that, or record its written waiver.") % {"date": notice.statement_deadline.isoformat()})
    if notice.hearing_requested and notice.hearing_held_on is None:
        raise ValidationError(_("The unit asked for a hearing; hold it and record it before deciding (行政处罚法 Article 63)."))
    _check_particulars(order)
    return notice


def fine_draft(*, order: RectificationOrder, notice: PenaltyNotice, fine_yuan: int, facts: str, today: date | None = None) -> PenaltyDecision:
    return PenaltyDecision(
        unit=order.unit, order=order, notice=notice, kind=DecisionKind.FINE, fine_yuan=fine_yuan, number="",
        facts=facts.strip() or notice.facts, legal_basis=ART_17, circumstances=notice.circumstances,
        decided_on=today or timezone.localdate(),
    )


def _outcome_of(order: RectificationOrder) -> PenaltyDecision | None:
    """The procedure's one outcome on the order, if decided: a fine or no penalty (Art. 29, 57)."""
    return PenaltyDecision.objects.filter(order=order, kind__in=[DecisionKind.FINE, DecisionKind.NO_PENALTY], superseded=False).first()


def _no_penalty_bars(decision: PenaltyDecision) -> ValidationError:
    """Art. 57: once the authority decided not to impose a penalty, no fine follows on the order."""
    return ValidationError(_("Decision %(number)s imposes no penalty on this order (行政处罚法 Article 57); no fine can follow it. Only a correction with a reason can replace it.") % {"number": decision.number})


def _save_decision(decision: PenaltyDecision) -> PenaltyDecision:
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise _one_fine()  # a concurrent decision won: the database holds Art. 29 and Art. 57
    return decision


@transaction.atomic
def fine_decide(*, actor, order: RectificationOrder, fine_yuan: int, facts: str = "", today: date | None = None) -> PenaltyDecision:
    """Order 75 Art. 17: refusing to correct is fined 5,000 to 50,000 yuan, once, after the notice."""
    authorize(actor, "penalty.decide", order.unit)
    order = RectificationOrder.objects.select_for_update(of=("self",)).select_related("unit__county").get(pk=order.pk)
    notice = fine_check(order=order, fine_yuan=fine_yuan, today=today)
    decision = fine_draft(order=order, notice=notice, fine_yuan=fine_yuan, facts=facts, today=today)
    decision.number = document_number_next(jurisdiction=order.unit.county, kind=DocumentKind.DECISION, year=decision.decided_on.year)
    decision.decided_by = actor
    _save_decision(decision)
    log(instance=order, action="supervision.penalty_decide", user=actor, data={
        "order": order.number, "decision": decision.number, "kind": "fine", "fine_yuan": fine_yuan, "notice": notice.number,
    })
    credit_event_record(unit=order.unit, kind=CreditEventKind.FINE, occurred_on=decision.decided_on, source_kind=CreditSourceKind.DECISION,
                        source_id=decision.pk, source_label=decision.number, article=decision.legal_basis, detail=order.number, actor=actor)
    return decision


def no_penalty_check(*, order: RectificationOrder, ground: str, reasons: str) -> PenaltyNotice:
    """Everything `no_penalty_decide` refuses, for the preview as well. Returns the order's notice."""
    outcome = _outcome_of(order)
    if outcome is not None and outcome.kind == DecisionKind.FINE:
        raise ValidationError(_("This order already has a fine; only a correction with a reason can replace it."))
    if outcome is not None:
        raise _no_penalty_bars(outcome)
    notice = PenaltyNotice.objects.filter(order=order).prefetch_related("statements").first()
    if notice is None:
        raise ValidationError(_("There is no prior notice on this order: no penalty was intended, so there is nothing to decide against."))
    if ground not in NoPenaltyGround.values:
        raise ValidationError(_("Choose the ground for not imposing a penalty (行政处罚法 Article 57)."))
    if not reasons.strip():
        raise ValidationError(_("Give the reasons: what the statement or the review established."))
    _check_particulars(order)
    return notice


def no_penalty_draft(*, order: RectificationOrder, notice: PenaltyNotice, ground: str, reasons: str, today: date | None = None) -> PenaltyDecision:
    return PenaltyDecision(
        unit=order.unit, order=order, notice=notice, kind=DecisionKind.NO_PENALTY, fine_yuan=None, number="",
        no_penalty_ground=ground, facts=reasons.strip(), legal_basis=NO_PENALTY_BASIS[ground],
        decided_on=today or timezone.localdate(),
    )


@transaction.atomic
def no_penalty_decide(*, actor, order: RectificationOrder, ground: str, reasons: str, today: date | None = None) -> PenaltyDecision:
    """行政处罚法 Art. 57 ¶1(2), (3): the prior notice's fine is not imposed (不予行政处罚决定书).
    The order itself keeps its state: whether the unit has corrected is the order's own question."""
    authorize(actor, "penalty.decide", order.unit)
    order = RectificationOrder.objects.select_for_update(of=("self",)).select_related("unit__county").get(pk=order.pk)
    notice = no_penalty_check(order=order, ground=ground, reasons=reasons)
    decision = no_penalty_draft(order=order, notice=notice, ground=ground, reasons=reasons, today=today)
    decision.number = document_number_next(jurisdiction=order.unit.county, kind=DocumentKind.DECISION, year=decision.decided_on.year)
    decision.decided_by = actor
    _save_decision(decision)
    log(instance=order, action="supervision.penalty_decide", user=actor, data={
        "order": order.number, "decision": decision.number, "kind": DecisionKind.NO_PENALTY.value, "notice": notice.number,
        "ground": ground, "reason": str(NoPenaltyGround(ground).label),
    })
    return decision


def correction_check(*, decision: PenaltyDecision, fine_yuan: int | None, reason: str) -> None:
    if decision.superseded:
        raise ValidationError(_("This decision has already been replaced by a correction."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."))
    if decision.kind == DecisionKind.FINE:
        _check_amount(fine_yuan or 0)
        if decision.notice and fine_yuan > decision.notice.intended_fine_yuan:
            raise ValidationError(_("The fine may not exceed the %(amount)s yuan stated in the prior notice (行政处罚法 Article 45).") % {"amount": decision.notice.intended_fine_yuan})


@transaction.atomic
def decision_correct(*, actor, decision: PenaltyDecision, reason: str, fine_yuan: int | None = None, facts: str = "", today: date | None = None) -> PenaltyDecision:
    """A correction replaces a decision: the old one is marked superseded and linked from the
    new one, so there is still exactly one fine on the order (行政处罚法 Art. 29)."""
    authorize(actor, "penalty.decide", decision.unit)
    decision = PenaltyDecision.objects.select_for_update(of=("self",)).select_related("unit__county", "order", "notice").get(pk=decision.pk)
    correction_check(decision=decision, fine_yuan=fine_yuan, reason=reason)
    today = today or timezone.localdate()
    decision.superseded = True
    decision.save(update_fields=["superseded"])
    new = PenaltyDecision(
        unit=decision.unit, order=decision.order, notice=decision.notice, kind=decision.kind,
        fine_yuan=fine_yuan if decision.kind == DecisionKind.FINE else None, no_penalty_ground=decision.no_penalty_ground,
        number=document_number_next(jurisdiction=decision.unit.county, kind=DocumentKind.DECISION, year=today.year),
        facts=facts.strip() or decision.facts, legal_basis=decision.legal_basis, circumstances=decision.circumstances,
        decided_by=actor, decided_on=today, supersedes=decision, correction_reason=reason.strip(),
    )
    _save_decision(new)
    log(instance=decision.order, action="supervision.penalty_correct", user=actor, data={
        "order": decision.order.number, "decision": new.number, "supersedes": decision.number,
        "from": decision.fine_yuan, "to": new.fine_yuan, "reason": new.correction_reason,
    })
    disclosure_on_correction(actor=actor, old=decision)
    credit_event_transfer(source_kind=CreditSourceKind.DECISION, old_id=decision.pk, new_id=new.pk, new_label=new.number, actor=actor)
    return new


@transaction.atomic
def decision_set_status(*, actor, decision: PenaltyDecision, status: str) -> PenaltyDecision:
    authorize(actor, "order.change", decision.unit)
    if status not in DecisionStatus.values:
        raise ValidationError(_("Unknown status."))
    if decision.superseded:
        raise ValidationError(_("This decision was replaced by a correction: record the status on the correcting decision."))
    if status == DecisionStatus.PAID and decision.kind != DecisionKind.FINE:
        raise ValidationError(_("Only a fine is paid."))
    old = decision.status
    decision.status = status
    decision.save(update_fields=["status"])
    log(instance=decision.order, action="supervision.penalty_status", user=actor, data={"decision": decision.number, "from": old, "to": status})
    return decision


@transaction.atomic
def legal_settings_set(*, actor, jurisdiction, **fields) -> BureauLegalSettings:
    """Create or change a bureau's particulars (the console's form does the same for its administrator)."""
    existing = BureauLegalSettings.objects.select_for_update().filter(jurisdiction=jurisdiction).first()
    before = {name: getattr(existing, name) for name in fields} if existing else {}
    bureau, created = BureauLegalSettings.objects.update_or_create(jurisdiction=jurisdiction, defaults=fields)
    after = {name: getattr(bureau, name) for name in fields}
    changed = {name for name in fields if before.get(name) != after[name]}
    log(instance=bureau, action="wagtail.create" if created else "wagtail.edit", user=actor,
        data={"before": {k: before[k] for k in changed if k in before}, "after": {k: after[k] for k in changed}})
    return bureau
