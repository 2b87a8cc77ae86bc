"""补考: re-exams after a round closes (Order No. 75 Art. 15 ¶3: a unit whose staff fail the
assessment rectifies at once; in practice its director and officers re-sit until they pass).

A re-exam session belongs to the closed plan, is marked `is_resit`, and admits only the persons of
the round who have not passed: failed, or absent. Each re-sit is a fresh paper from the same
blueprint, preferring questions the person has not seen in any earlier sitting. Its results go to
the unit's order through the register's services (results.resit_report); they never change the
round's statistics, which are the first sittings'. Several re-exams are allowed, each kept."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize

from ..models import Attempt, ExamSession, PlanStatus, SamplingPlan, Ticket
from ..selectors.plans import draw_current
from ..selectors.results import resit_candidates
from .attempts import PaperFactory
from .papers import BlueprintInfeasible
from .purposes import assessment_only
from .sessions import IssuedTicket, _new_code, access_code_hash, notice_print_record


@transaction.atomic
def resit_session_create(*, actor, plan: SamplingPlan, name: str, mode: str, venue: str, starts_at, ends_at,
                         latest_start_at=None) -> ExamSession:
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update().get(pk=plan.pk)
    assessment_only(plan)
    if plan.status != PlanStatus.CLOSED:
        raise ValidationError(_("Re-exams follow a closed round."))
    if ends_at <= starts_at:
        raise ValidationError(_("A session ends after it starts."))
    if latest_start_at is not None and not starts_at <= latest_start_at <= ends_at:
        raise ValidationError(_("The latest start lies between the session's start and its end."))
    if ends_at <= timezone.now():
        raise ValidationError(_("A re-exam session must end in the future."))
    if not resit_candidates(plan=plan):
        raise ValidationError(_("Everyone of this round has passed: no re-exam is needed."))
    session = ExamSession.objects.create(
        plan=plan, name=name, mode=mode, venue=venue, starts_at=starts_at, ends_at=ends_at, latest_start_at=latest_start_at, is_resit=True,
    )
    log(instance=plan, action="assessment.resit_session_create", user=actor, data={"session": session.pk, "name": name})
    return session


@transaction.atomic
def resit_tickets_issue(*, actor, session: ExamSession) -> list[IssuedTicket]:
    """Tickets for a re-exam session: only the persons who have not passed, each with a fresh
    paper (questions seen in their earlier sittings are avoided), free of charge like the first."""
    authorize(actor, "plan.change", session)
    plan = SamplingPlan.objects.select_for_update().get(pk=session.plan_id)
    session = ExamSession.objects.get(pk=session.pk)
    if not session.is_resit:
        raise ValidationError(_("This is not a re-exam session."))
    if session.ends_at <= timezone.now():
        raise ValidationError(_("The session has ended; its notices can no longer be printed."))
    draw = draw_current(plan=plan)
    holding = set(Ticket.objects.filter(session=session).values_list("person_id", flat=True))
    candidates = [p for p in resit_candidates(plan=plan) if p.pk not in holding]
    first_tickets = {
        t.person_id: t for t in Ticket.objects.filter(session__plan=plan, session__is_resit=False, person__in=candidates, revoked_at__isnull=True)
    }
    seen: dict[int, set[int]] = defaultdict(set)
    sittings: dict[int, int] = defaultdict(int)
    for person_id, paper in Attempt.objects.filter(ticket__session__plan=plan, ticket__person__in=candidates).values_list("ticket__person_id", "paper"):
        seen[person_id].update(item["q"] for item in paper)
        sittings[person_id] += 1
    papers = PaperFactory()
    sequence = Ticket.objects.filter(session__plan=plan).count()
    now = timezone.now()
    issued = []
    for person in candidates:
        sequence += 1
        number = f"{plan.year % 100:02d}{plan.pk:04d}{sequence:05d}"
        code = _new_code()
        ticket = Ticket(
            session=session, person=person, selection=first_tickets[person.pk].selection if person.pk in first_tickets else None,
            number=number, access_code_hash=access_code_hash(number, code), issued_at=now, issued_by=actor,
        )
        try:
            ticket.blueprint, ticket.paper = papers.paper(
                plan=plan, ticket=ticket, seed=draw.seed if draw else plan.title, sequence=sittings[person.pk] + 1, seen=frozenset(seen[person.pk]),
            )
        except BlueprintInfeasible as error:
            raise ValidationError(_("The question bank cannot fill the paper: %(detail)s") % {"detail": error})
        ticket.save()
        issued.append(IssuedTicket(ticket, code))
    if issued:
        notice_print_record(actor=actor, session=session, issued=issued, replaces_earlier=False)
    log(instance=plan, action="assessment.tickets_issue", user=actor, data={"session": session.pk, "tickets": [t.ticket.number for t in issued], "resit": True})
    return issued
