"""The exam, decided on the server: start, save, submit, grade, deadlines, absences, re-sits.

The browser only displays: the deadline, the questions, the correct answers and the score all
live here. Correct answers never leave the server before the attempt is submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.scoping import user_can_edit

from ..models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Blueprint,
    FinishedBy,
    MultiScoring,
    QuestionType,
    QuestionVersion,
    SamplingPlan,
    Ticket,
)
from .papers import PaperAssembler

# Answers reaching the server up to this long after the deadline still count (slow networks).
GRACE_SECONDS = 60
LETTERS = "ABCDEF"


def blueprint_for(plan: SamplingPlan, role: str) -> Blueprint:
    """The plan's blueprint for a role; principals sit the directors' paper."""
    chosen = plan.officer_blueprint if role == "officer" else plan.director_blueprint
    if chosen is not None:
        return chosen
    blueprint = Blueprint.objects.filter(role="officer" if role == "officer" else "director").order_by("pk").first()
    if blueprint is None:
        raise ValidationError(_("No blueprint for this role; set one on the plan."))
    return blueprint


class PaperFactory:
    """Assembles papers for many tickets, loading each (blueprint, role, categories) pool once."""

    def __init__(self):
        self._assemblers: dict[tuple, PaperAssembler] = {}

    def paper(self, *, plan: SamplingPlan, ticket: Ticket, seed: str, sequence: int = 1, seen=frozenset()) -> tuple[Blueprint, list[dict]]:
        role = ticket.person.role
        blueprint = blueprint_for(plan, role)
        categories = frozenset(ticket.person.unit.categories.values_list("pk", flat=True))
        key = (blueprint.pk, "officer" if role == "officer" else "director", categories)
        if key not in self._assemblers:
            self._assemblers[key] = PaperAssembler(blueprint=blueprint, role=key[1], category_ids=categories)
        paper = self._assemblers[key].assemble(seed=f"{seed}:{ticket.number}:{sequence}", seen_question_ids=seen)
        return blueprint, paper.as_json()


def attempt_window_open(ticket: Ticket, now: datetime) -> bool:
    return ticket.session.starts_at <= now < ticket.session.ends_at


def _grace_end(attempt: Attempt) -> datetime:
    return attempt.deadline + timedelta(seconds=GRACE_SECONDS)


def current_attempt(ticket: Ticket) -> Attempt | None:
    return ticket.attempts.order_by("-sequence").first()


@transaction.atomic
def attempt_start(*, ticket: Ticket, now: datetime | None = None, examiner=None) -> Attempt:
    """Start the ticket's sitting, or return the one already started (a double click, a second
    tab, a second device all land on the same attempt)."""
    now = now or timezone.now()
    latest = current_attempt(ticket)
    if latest is not None and latest.status == AttemptStatus.IN_PROGRESS:
        attempt_finalize_if_expired(attempt=latest, now=now)
        return latest
    if latest is not None and latest.sequence >= ticket.sittings_allowed:
        return latest
    if ticket.absent_marked_at:
        raise ValidationError(_("This ticket was marked absent; ask the examiners."))
    if not attempt_window_open(ticket, now):
        raise ValidationError(_("The session is not open now."))
    sequence = (latest.sequence + 1) if latest else 1
    plan = ticket.session.plan
    if sequence == 1 and ticket.paper:
        blueprint, paper = blueprint_for(plan, ticket.person.role), ticket.paper
    else:
        seen = frozenset(q for a in ticket.attempts.all() for q in (item["q"] for item in a.paper))
        draw = plan.draws.filter(replaced_by__isnull=True).order_by("-drawn_at").first()
        blueprint, paper = PaperFactory().paper(plan=plan, ticket=ticket, seed=draw.seed if draw else ticket.number, sequence=sequence, seen=seen)
    minutes = blueprint.time_limit_minutes + ticket.extra_minutes
    deadline = min(now + timedelta(minutes=minutes), ticket.session.ends_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                ticket=ticket, sequence=sequence, blueprint=blueprint, paper=paper, started_at=now,
                deadline=deadline, started_by_examiner=examiner is not None,
            )
    except IntegrityError:  # the other click won the race: use its attempt
        return current_attempt(ticket)
    if examiner is not None:
        log(instance=plan, action="assessment.attempt_start_onsite", user=examiner, data={"ticket": ticket.number})
    return attempt


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


def to_original_letters(item: dict, shown_letters: str) -> str:
    """The candidate picks options as shown (A, B, ... in the paper's order); store the letters of
    the question version's own options."""
    order = item["o"]
    picked = sorted({order[LETTERS.index(letter)] for letter in shown_letters})
    return "".join(LETTERS[i] for i in picked)


def to_shown_letters(item: dict, original_letters: str) -> str:
    order = item["o"]
    return "".join(sorted(LETTERS[order.index(LETTERS.index(letter))] for letter in original_letters))


def clean_shown_answer(item: dict, value: str) -> str:
    letters = "".join(sorted(set((value or "").upper().replace(",", ""))))
    allowed = LETTERS[: len(item["o"])]
    if any(letter not in allowed for letter in letters):
        raise ValidationError(_("That option does not exist."))
    if item["t"] != QuestionType.MULTI and len(letters) > 1:
        raise ValidationError(_("Choose one option for this question."))
    return letters


class AttemptClosed(Exception):
    """The attempt is submitted, or the deadline and its grace have passed."""


def attempt_save_answers(*, attempt: Attempt, answers: dict[int, str], now: datetime | None = None) -> None:
    """Save answers (position -> letters as shown). Refused after the deadline plus grace, and
    then nothing changes. One upsert whatever the number of answers."""
    now = now or timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS or now > _grace_end(attempt):
        raise AttemptClosed
    rows = []
    for position, shown in answers.items():
        if not 0 <= position < len(attempt.paper):
            raise ValidationError(_("No such question."))
        item = attempt.paper[position]
        rows.append(AttemptAnswer(attempt=attempt, position=position, letters=to_original_letters(item, clean_shown_answer(item, shown)), saved_at=now))
    if rows:
        AttemptAnswer.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["attempt", "position"], update_fields=["letters", "saved_at"],
        )


def shown_answers(attempt: Attempt) -> dict[int, str]:
    saved = dict(attempt.answers.values_list("position", "letters"))
    return {position: to_shown_letters(attempt.paper[position], letters) for position, letters in saved.items()}


@dataclass(frozen=True)
class Grade:
    score: Decimal
    max_score: Decimal
    passed: bool


def attempt_grade(attempt: Attempt) -> Grade:
    """Per-type points from the blueprint; multiple choice all-or-nothing by default, or half
    points for a partial answer with no wrong option; pass at the blueprint's percentage."""
    blueprint = attempt.blueprint
    versions = QuestionVersion.objects.in_bulk([item["v"] for item in attempt.paper])
    answers = dict(attempt.answers.values_list("position", "letters"))
    score = Decimal(0)
    max_score = Decimal(0)
    for position, item in enumerate(attempt.paper):
        version = versions[item["v"]]
        points = Decimal(blueprint.points_for(version.type))
        max_score += points
        given = answers.get(position, "")
        if given == version.answer:
            score += points
        elif (version.type == QuestionType.MULTI and blueprint.multi_scoring == MultiScoring.PARTIAL
              and given and set(given) < set(version.answer)):
            score += points / 2
    score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    passed = score * 100 >= max_score * blueprint.pass_mark_percent
    return Grade(score, max_score, passed)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now: datetime | None = None, by: str = FinishedBy.CANDIDATE) -> Attempt:
    """Submit and grade. After the deadline (plus grace) the attempt counts as submitted at the
    deadline, with the answers saved until then."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("blueprint").get(pk=attempt.pk)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    late = now > _grace_end(attempt)
    grade = attempt_grade(attempt)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = attempt.deadline if late else min(now, attempt.deadline + timedelta(seconds=GRACE_SECONDS))
    attempt.finished_by = FinishedBy.DEADLINE if (late or by == FinishedBy.DEADLINE) else FinishedBy.CANDIDATE
    attempt.score, attempt.max_score, attempt.passed = grade.score, grade.max_score, grade.passed
    attempt.save(update_fields=["status", "submitted_at", "finished_by", "score", "max_score", "passed"])
    if attempt.sequence > 1:
        from .results import resit_report

        resit_report(attempt)
    return attempt


def attempt_finalize_if_expired(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    now = now or timezone.now()
    if attempt.status == AttemptStatus.IN_PROGRESS and now > _grace_end(attempt):
        return attempt_submit(attempt=attempt, now=now, by=FinishedBy.DEADLINE)
    return attempt


def attempts_finalize_expired(*, now: datetime | None = None) -> int:
    """The periodic sweep: attempts left open by closed browsers are submitted at their deadline."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now - timedelta(seconds=GRACE_SECONDS))
    count = 0
    for attempt in expired.iterator():
        attempt_submit(attempt=attempt, now=now, by=FinishedBy.DEADLINE)
        count += 1
    return count


@transaction.atomic
def sessions_mark_absent(*, now: datetime | None = None) -> int:
    """缺考: tickets of ended sessions that never started an attempt are marked absent."""
    now = now or timezone.now()
    return Ticket.objects.filter(session__ends_at__lte=now, attempts__isnull=True, absent_marked_at__isnull=True).update(absent_marked_at=now)


def _require_examiner(actor) -> None:
    if not user_can_edit(actor):
        raise PermissionDenied(_("Overseers read plans; they do not change them."))


@transaction.atomic
def ticket_extend_time(*, actor, ticket: Ticket, minutes: int, reason: str) -> Ticket:
    _require_examiner(actor)
    if not reason.strip() or not 1 <= minutes <= 120:
        raise ValidationError(_("Give 1 to 120 minutes and a reason."))
    ticket.extra_minutes += minutes
    ticket.save(update_fields=["extra_minutes"])
    attempt = current_attempt(ticket)
    if attempt is not None and attempt.status == AttemptStatus.IN_PROGRESS:
        attempt.deadline = min(attempt.deadline + timedelta(minutes=minutes), ticket.session.ends_at + timedelta(minutes=minutes))
        attempt.save(update_fields=["deadline"])
    log(instance=ticket.session.plan, action="assessment.extend_time", user=actor, data={"ticket": ticket.number, "minutes": minutes, "reason": reason})
    return ticket


@transaction.atomic
def ticket_mark_absent(*, actor, ticket: Ticket, reason: str = "") -> Ticket:
    _require_examiner(actor)
    if ticket.attempts.exists():
        raise ValidationError(_("This candidate has started; they cannot be marked absent."))
    ticket.absent_marked_at = timezone.now()
    ticket.save(update_fields=["absent_marked_at"])
    log(instance=ticket.session.plan, action="assessment.mark_absent", user=actor, data={"ticket": ticket.number, "reason": reason})
    return ticket


@transaction.atomic
def ticket_grant_resit(*, actor, ticket: Ticket, reason: str) -> Ticket:
    _require_examiner(actor)
    if not reason.strip():
        raise ValidationError(_("Say why a re-sit is granted."))
    latest = current_attempt(ticket)
    if latest is None or latest.status != AttemptStatus.SUBMITTED:
        raise ValidationError(_("A re-sit follows a submitted attempt."))
    ticket.sittings_allowed = latest.sequence + 1
    ticket.absent_marked_at = None
    ticket.save(update_fields=["sittings_allowed", "absent_marked_at"])
    log(instance=ticket.session.plan, action="assessment.grant_resit", user=actor, data={"ticket": ticket.number, "reason": reason})
    return ticket
