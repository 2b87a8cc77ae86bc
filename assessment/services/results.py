"""What a round's results set going in the register (Order 75 Art. 15): orders to rectify for the
units that did not pass, the re-exam results that let those orders close, and who has passed.

The results themselves are reads: `assessment.selectors.results` (`round_results`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.models import CreditEventKind, CreditSourceKind, OrderSource, ProductionUnit
from supervision.services.credit import CreditReport, credit_events_record
from supervision.services.enforcement import ART_15, OrderDraft, order_drafts, order_record_resit, orders_issue_drafts
from supervision.services.register import person_assessment_record

from ..models import Attempt, PlanPurpose, PlanStatus, SamplingPlan, Ticket
from ..selectors.results import ABSENT, FAILED, PASSED, person_outcomes, round_results
from .purposes import assessment_only


def rectification_order_drafts(plan: SamplingPlan) -> list:
    """Art. 15: the orders the closed round calls for, one per unit whose result is not passed,
    as `rectification_orders_issue` would issue them (the preview shows these).

    Only decided units get orders: a unit still 未考 (someone not examined, e.g. a replacement
    whose tickets were never issued) gets none, and revoked tickets and withdrawn selections are
    not in the results at all. Closing the round (sampling.plan_close) marks everyone who never
    started as 缺考 first, so by now "pending" is only people who never had a ticket."""
    assessment_only(plan)
    if plan.status != PlanStatus.CLOSED:
        raise ValidationError(_("Orders follow the results: close the round first."))
    outcome = round_results(plan=plan)
    # Order 75 Art. 15 (third paragraph): a unit whose staff did not pass the supervisory
    # assessment (抽查考核不合格) must rectify at once, and its staff sit again. A director or
    # officer who was drawn and stayed away (缺考) has not passed the assessment, so a unit with a
    # 缺考 gets an order whatever `absent_counts_as_failed` says: that setting only decides whether
    # absences enter the pass-rate denominators, never whether the unit is let off rectifying
    # (otherwise keeping the director away would be a way out of Art. 15). The order's reason
    # names 缺考 apart from 不合格.
    ordered = [u for u in outcome.units if u.outcome in (FAILED, ABSENT)]
    units = ProductionUnit.objects.select_related("county").in_bulk([u.unit_id for u in ordered])
    drafts = []
    for result in ordered:
        failed = [
            _("%(name)s (%(role)s, %(outcome)s)") % {"name": p.name_masked, "role": p.role_label, "outcome": _("absent") if p.outcome == ABSENT else _("not passed")}
            for p in result.people if p.outcome in (FAILED, ABSENT)
        ]
        drafts.append(OrderDraft(
            unit=units[result.unit_id], source_kind=OrderSource.ASSESSMENT, source_id=plan.pk, source_label=plan.title,
            requires_resit=True, legal_basis=ART_15,
            reason=_("Not passed in the supervisory assessment “%(plan)s”: %(people)s. The unit must rectify at once and its staff pass the re-exam.") % {"plan": plan.title, "people": "；".join(failed)},
        ))
    return order_drafts(drafts)


@transaction.atomic
def rectification_orders_issue(*, actor, plan: SamplingPlan, deadline_days: int = 30) -> list:
    """Art. 15: every unit whose round result is not passed rectifies at once; its order closes
    only after its people pass the re-exam. Issued through the register's services."""
    return orders_issue_drafts(actor=actor, drafts=rectification_order_drafts(plan), deadline_days=deadline_days)


def resit_report(attempt: Attempt) -> None:
    """After a re-sit (a further sitting on the ticket, or a re-exam session) is graded: if every
    person of the unit in the round has now passed, tell the register, so the unit's order can
    close (Order 75 Art. 15 ¶3)."""
    ticket = Ticket.objects.select_related("session__plan", "person").get(pk=attempt.ticket_id)
    plan = ticket.session.plan
    unit_id = ticket.person.unit_id
    of_unit = set(Ticket.objects.filter(session__plan=plan, person__unit_id=unit_id).values_list("person_id", flat=True))
    outcomes = person_outcomes(plan=plan)
    passed = all(outcomes.get(pid) == "passed" for pid in of_unit if pid in outcomes)
    order_record_resit(unit_id=unit_id, source_id=plan.pk, passed=passed)
    people_assessment_report(plan=plan, outcomes=outcomes)


def people_assessment_report(*, plan: SamplingPlan, outcomes: dict[int, str] | None = None) -> None:
    """Tell the register who of the round has passed (Art. 15 ¶1): at the close, and again after
    each re-exam (with the outcomes the caller already has). Through supervision's service; the
    register never reads assessment tables."""
    outcomes = person_outcomes(plan=plan) if outcomes is None else outcomes
    person_assessment_record(outcomes={pid: outcome == "passed" for pid, outcome in outcomes.items()}, label=plan.title)


# Issue 18: a unit's round outcome, final at the close, as an event of its credit record.
CREDIT_KINDS = {PASSED: CreditEventKind.ASSESSMENT_PASSED, FAILED: CreditEventKind.ASSESSMENT_FAILED, ABSENT: CreditEventKind.ASSESSMENT_ABSENT}


def assessment_credit_reports(*, plan: SamplingPlan) -> list[CreditReport]:
    """The closed round's decided units, each with its outcome, dated by the round's last sitting
    (re-exams do not change the round's event: the order they close records their effect)."""
    ended = plan.sessions.filter(is_resit=False).aggregate(last=Max("ends_at"))["last"]
    sat_on = timezone.localdate(ended) if ended else timezone.localdate()
    return [
        CreditReport(unit_id=u.unit_id, kind=CREDIT_KINDS[u.outcome], occurred_on=sat_on, source_kind=CreditSourceKind.ASSESSMENT,
                     source_id=plan.pk, source_label=plan.title, article=ART_15)
        for u in round_results(plan=plan).units if u.outcome in CREDIT_KINDS
    ]


def assessment_credit_report(*, plan: SamplingPlan, actor=None) -> list:
    """Push the closed round's outcomes to the units' credit records (once per unit and round)."""
    return credit_events_record(reports=assessment_credit_reports(plan=plan), actor=actor)


def assessment_credit_sources(*, since: date | None = None) -> list[CreditReport]:
    """Every closed assessment round's events again, for `credit_backfill` (registered in `ready()`)."""
    plans = SamplingPlan.objects.filter(purpose=PlanPurpose.ASSESSMENT, status=PlanStatus.CLOSED, sessions__isnull=False).distinct().order_by("pk")
    if since:
        plans = plans.filter(sessions__ends_at__date__gte=since)
    return [report for plan in plans for report in assessment_credit_reports(plan=plan)]
