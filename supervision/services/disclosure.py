"""行政处罚信息公示: the states of a fine's disclosure and of the unit's credit repair.

《市场监督管理行政处罚信息公示规定》 (SAMR Order No. 45):
- Art. 2: decisions of the ordinary procedure are disclosed; a warning alone is not (and a decision
  not to penalize is no penalty): only fines are.
- Art. 4: what is disclosed: the decision's number, the unit, the type of violation, the penalty,
  the authority and the date (the public page, `cms.models.PenaltyDisclosurePage`).
- Art. 8: public within 20 working days of the decision (`due_on`; the console's dashboard lists
  what is due, `supervision.selectors_disclosure`), as 《企业信息公示暂行条例》 Art. 6 ¶2 requires of
  every penalty the bureau produces.
- Art. 13: the disclosure stops three years after it began (自公示之日起届满三年), or three months for
  a fine of a low amount as the province defines it (`PENALTY_LOW_FINE_MAX_YUAN`).
- Art. 14: once public long enough, the unit may apply to stop it early (提前停止公示) if it has
  carried out the decision, removed the harm, has had no penalty since for the same kind of
  violation and is on no list of abnormal operation or serious dishonesty; the bureau decides.
《行政处罚法》 Art. 48 ¶2: a decision changed or revoked is withdrawn (within three days) with the
reason: a corrected decision withdraws its disclosure at once, and the new decision is disclosed.
《市场监督管理信用修复管理办法》 sets the time a disclosure must have run before that
(`PENALTY_REPAIR_AFTER_DAYS`). The platform checks what it records (the fine paid, no later penalty
on the same legal basis); the removed harm and the lists are for the approver to judge.

The page itself belongs to the public site (cms). Supervision keeps the states and announces a
withdrawal with the `disclosure_withdrawn` signal, on which cms takes the page down in the same
transaction, so the penalty's record never imports the site."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..authorization import authorize
from ..models import (
    CreditRepairApplication,
    DecisionKind,
    DecisionStatus,
    DisclosureStatus,
    PenaltyDecision,
    PenaltyDisclosure,
    RepairStatus,
    WithdrawalGround,
)
from ..workdays import Calendar, working_days_after
from .system import system_actor

DISCLOSURE_WORKING_DAYS = 20  # Order 45 Art. 8
DISCLOSURE_MONTHS = 36  # Order 45 Art. 13: 自公示之日起届满三年
LOW_FINE_DISCLOSURE_MONTHS = 3  # Order 45 Art. 13: 较低数额罚款, 届满三个月

# Sent with `disclosure` (withdrawn, saved) inside the withdrawing transaction: the public site
# takes the page down (cms/apps.py connects it).
disclosure_withdrawn = Signal()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter): 届满 N 个月."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def disclosure_due_on(decision: PenaltyDecision, *, calendar: Calendar | None = None) -> date:
    """The last day to make the decision public (Order 45 Art. 8: 20 working days from the
    decision). Raises the holiday schedule's error when the period is not yet covered."""
    return working_days_after(decision.decided_on, DISCLOSURE_WORKING_DAYS, calendar=calendar)


def disclosure_months(decision: PenaltyDecision) -> int:
    low = settings.PENALTY_LOW_FINE_MAX_YUAN
    return LOW_FINE_DISCLOSURE_MONTHS if low and (decision.fine_yuan or 0) <= low else DISCLOSURE_MONTHS


def disclosure_check(*, decision: PenaltyDecision) -> None:
    """What Order 45 refuses: a warning or a decision not to penalize (Art. 2), a decision
    replaced by a correction, a decision already disclosed."""
    if decision.kind != DecisionKind.FINE:
        raise ValidationError(_("Only a fine is disclosed: a warning alone, or a decision not to impose a penalty, is not (SAMR Order 45 Article 2)."))
    if decision.superseded:
        raise ValidationError(_("This decision was replaced by a correction: disclose the decision that corrects it."))
    if PenaltyDisclosure.objects.filter(decision=decision).exists():
        raise ValidationError(_("This decision's disclosure has already been drafted."))


@transaction.atomic
def disclosure_draft(*, actor, decision: PenaltyDecision, page_id: int) -> PenaltyDisclosure:
    """The disclosure of a fine, drafted as page `page_id` and waiting for the approvers."""
    authorize(actor, "disclosure.draft", decision.unit)
    decision = PenaltyDecision.objects.select_for_update(of=("self",)).select_related("unit__county").get(pk=decision.pk)
    disclosure_check(decision=decision)
    try:
        due_on = disclosure_due_on(decision)
    except ValidationError:
        due_on = None  # the holiday schedule does not reach it yet; the dashboard says so
    disclosure = PenaltyDisclosure.objects.create(decision=decision, page_id=page_id, due_on=due_on, drafted_by=actor or system_actor())
    log(instance=decision.order, action="supervision.disclosure_draft", user=actor, data={
        "decision": decision.number, "page": page_id, "due_on": due_on.isoformat() if due_on else None,
        "from": None, "to": DisclosureStatus.DRAFTED,
    })
    return disclosure


@transaction.atomic
def disclosure_mark_published(*, disclosure: PenaltyDisclosure, on: date) -> PenaltyDisclosure:
    """The approver approved the page: the disclosure is public from `on`, and its period runs
    (Order 45 Art. 13). Automatic (the page's workflow), so under the system actor."""
    disclosure = PenaltyDisclosure.objects.select_for_update().select_related("decision__order").get(pk=disclosure.pk)
    if disclosure.status == DisclosureStatus.PUBLISHED:
        return disclosure  # a new revision of a public page: the period keeps its start
    if disclosure.status == DisclosureStatus.WITHDRAWN:
        raise ValidationError(_("A withdrawn disclosure is not made public again."))
    old = disclosure.status
    disclosure.status = DisclosureStatus.PUBLISHED
    disclosure.published_on = on
    disclosure.ends_on = add_months(on, disclosure_months(disclosure.decision))
    disclosure.save(update_fields=["status", "published_on", "ends_on"])
    log(instance=disclosure.decision.order, action="supervision.disclosure_publish", user=system_actor(), data={
        "decision": disclosure.decision.number, "from": old, "to": disclosure.status,
        "published_on": on.isoformat(), "ends_on": disclosure.ends_on.isoformat(),
        "late": disclosure.due_on is not None and on > disclosure.due_on,
    })
    return disclosure


def withdrawal_check(*, disclosure: PenaltyDisclosure, ground: str, reason: str, today: date) -> None:
    if disclosure.status == DisclosureStatus.WITHDRAWN:
        raise ValidationError(_("This disclosure has already been withdrawn."))
    if ground not in WithdrawalGround.values:
        raise ValidationError(_("Choose the ground for the withdrawal."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the withdrawal; it is kept with the record."))
    if ground == WithdrawalGround.PERIOD_ENDED:
        if disclosure.status != DisclosureStatus.PUBLISHED:
            raise ValidationError(_("Only a public disclosure has a period that ends."))
        if today < disclosure.ends_on:
            raise ValidationError(_("The disclosure period ends on %(date)s (SAMR Order 45 Article 13); before then it is withdrawn only on credit repair or a changed decision.")
                                  % {"date": f"{disclosure.ends_on:%Y-%m-%d}"})
    if ground == WithdrawalGround.DECISION_CHANGED and not disclosure.decision.superseded:
        raise ValidationError(_("The decision has not been corrected or revoked."))
    if ground == WithdrawalGround.REPAIRED and not disclosure.repair_applications.filter(status=RepairStatus.APPROVED).exists():
        raise ValidationError(_("Credit repair needs the unit's application, agreed by an approver."))


@transaction.atomic
def disclosure_withdraw(*, actor, disclosure: PenaltyDisclosure, ground: str, reason: str, today: date | None = None) -> PenaltyDisclosure:
    """Stop a disclosure with its ground and reason kept; the public page comes down (the signal)."""
    authorize(actor, "disclosure.withdraw", disclosure)
    disclosure = PenaltyDisclosure.objects.select_for_update(of=("self",)).select_related("decision__order").get(pk=disclosure.pk)
    today = today or timezone.localdate()
    withdrawal_check(disclosure=disclosure, ground=ground, reason=reason, today=today)
    old = disclosure.status
    disclosure.status = DisclosureStatus.WITHDRAWN
    disclosure.withdrawn_on = today
    disclosure.withdrawal_ground = ground
    disclosure.withdrawal_reason = reason.strip()
    disclosure.withdrawn_by = actor or system_actor()
    disclosure.save(update_fields=["status", "withdrawn_on", "withdrawal_ground", "withdrawal_reason", "withdrawn_by"])
    log(instance=disclosure.decision.order, action="supervision.disclosure_withdraw", user=actor, data={
        "decision": disclosure.decision.number, "from": old, "to": disclosure.status, "ground": ground, "reason": disclosure.withdrawal_reason,
    })
    disclosure_withdrawn.send(sender=PenaltyDisclosure, disclosure=disclosure, actor=actor)
    return disclosure


def disclosure_on_correction(*, actor, old: PenaltyDecision) -> None:
    """行政处罚法 Art. 48 ¶2: the disclosure of a corrected decision is withdrawn with the reason;
    the correcting decision is then disclosed as any fine is."""
    disclosure = PenaltyDisclosure.objects.filter(decision=old).exclude(status=DisclosureStatus.WITHDRAWN).first()
    if disclosure is not None:
        disclosure_withdraw(actor=actor, disclosure=disclosure, ground=WithdrawalGround.DECISION_CHANGED,
                            reason=_("Replaced by the corrected decision: %(reason)s") % {"reason": old.superseded_by.correction_reason})


# --- credit repair (信用修复) --------------------------------------------------------------------------


def repair_earliest(disclosure: PenaltyDisclosure) -> date | None:
    """The first day the unit may apply: after PENALTY_REPAIR_AFTER_DAYS of disclosure."""
    if disclosure.published_on is None:
        return None
    return disclosure.published_on + timedelta(days=settings.PENALTY_REPAIR_AFTER_DAYS)


def repair_apply_check(*, disclosure: PenaltyDisclosure, applied_on: date, statement: str, today: date) -> None:
    if disclosure.status != DisclosureStatus.PUBLISHED:
        raise ValidationError(_("Credit repair is applied for while the penalty is public."))
    if not statement.strip():
        raise ValidationError(_("Record what the unit states it has done (the fine paid, the violation corrected, the harm removed)."))
    if applied_on > today:
        raise ValidationError(_("The application date cannot be in the future."))
    earliest = repair_earliest(disclosure)
    if applied_on < earliest:
        raise ValidationError(_("The unit may apply from %(date)s, once the penalty has been public for %(days)s days.")
                              % {"date": f"{earliest:%Y-%m-%d}", "days": settings.PENALTY_REPAIR_AFTER_DAYS})
    # 信用修复: the unit has done what the decision required, the fine included. Whether it has
    # corrected the violation is for the approver to judge (an order refused stays refused).
    if disclosure.decision.status != DecisionStatus.PAID:
        raise ValidationError(_("The fine has not been recorded as paid: a unit applies for credit repair once it has carried out the decision."))
    # Order 45 Art. 14 (三): no penalty since for the same kind of violation (the same legal basis)
    # in another matter (another order to correct).
    decision = disclosure.decision
    again = PenaltyDecision.objects.filter(unit_id=decision.unit_id, legal_basis=decision.legal_basis, superseded=False).filter(
        Q(decided_on__gt=decision.decided_on) | Q(decided_on=decision.decided_on, pk__gt=decision.pk),
    ).exclude(order_id=decision.order_id).order_by("decided_on", "pk").first()  # the same order's warning is the same matter, not "again"
    if again is not None:
        raise ValidationError(_("The unit was penalized again for the same kind of violation (decision %(number)s of %(date)s): credit repair is refused (SAMR Order 45 Article 14).")
                              % {"number": again.number, "date": f"{again.decided_on:%Y-%m-%d}"})
    if disclosure.repair_applications.filter(status=RepairStatus.PENDING).exists():
        raise ValidationError(_("An application of this unit is already waiting for the approver."))


@transaction.atomic
def repair_apply(*, actor, disclosure: PenaltyDisclosure, applied_on: date, statement: str, today: date | None = None) -> CreditRepairApplication:
    """Record the unit's application for credit repair, for an approver to decide."""
    authorize(actor, "disclosure.draft", disclosure)
    disclosure = PenaltyDisclosure.objects.select_for_update(of=("self",)).select_related("decision__order").get(pk=disclosure.pk)
    repair_apply_check(disclosure=disclosure, applied_on=applied_on, statement=statement, today=today or timezone.localdate())
    application = CreditRepairApplication.objects.create(disclosure=disclosure, applied_on=applied_on, statement=statement.strip(), recorded_by=actor)
    log(instance=disclosure.decision.order, action="supervision.repair_apply", user=actor, data={
        "decision": disclosure.decision.number, "application": application.pk, "applied_on": applied_on.isoformat(),
        "from": None, "to": RepairStatus.PENDING,
    })
    return application


@transaction.atomic
def repair_decide(*, actor, application: CreditRepairApplication, agree: bool, reason: str, today: date | None = None) -> CreditRepairApplication:
    """An approver agrees (the disclosure is withdrawn at once, ground: credit repaired) or does
    not, with the reasons either way."""
    authorize(actor, "disclosure.withdraw", application)
    application = CreditRepairApplication.objects.select_for_update(of=("self",)).select_related("disclosure__decision").get(pk=application.pk)
    if application.status != RepairStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Give the reasons of the decision on the application."))
    old = application.status
    application.status = RepairStatus.APPROVED if agree else RepairStatus.REFUSED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_reason = reason.strip()
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    log(instance=application.disclosure.decision.order, action="supervision.repair_decide", user=actor, data={
        "decision": application.disclosure.decision.number, "application": application.pk,
        "from": old, "to": application.status, "reason": application.decision_reason,
    })
    if agree:
        disclosure_withdraw(actor=actor, disclosure=application.disclosure, ground=WithdrawalGround.REPAIRED,
                            reason=application.decision_reason, today=today)
    return application
