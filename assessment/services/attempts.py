"""The exam, decided on the server: start, save, submit, grade, deadlines, absences, re-sits.

The browser only displays: the deadline, the questions, the correct answers and the score all
live here. Correct answers never leave the server before the attempt is submitted."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.services.system import system_actor

from ..models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Blueprint,
    ExamSession,
    FinishedBy,
    MultiScoring,
    QuestionType,
    QuestionVersion,
    SamplingPlan,
    Ticket,
)
from ..models.attempts import new_save_pass_key
from ..selectors.plans import draw_current
from .bank import LETTERS
from .papers import PaperAssembler
from .results import resit_report

# Answers reaching the server up to this long after the deadline still count (slow networks).
GRACE_SECONDS = 60


def ticket_blueprint(ticket: Ticket) -> Blueprint:
    """The blueprint the ticket's paper was assembled from (the plan's, for older tickets)."""
    return ticket.blueprint or blueprint_for(ticket.session.plan, ticket.person.role)


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


def attempt_window_open(ticket: Ticket, now: datetime, *, first_sitting: bool = True) -> bool:
    """A sitting may start from the session's start until its end, and a first sitting no later
    than the session's latest start (inclusive, to the second) when one is set: the exam room's
    bar on latecomers. A re-sit granted by the examiners is not a late arrival."""
    return window_open(ticket.session.starts_at, ticket.session.ends_at, ticket.session.latest_start_at if first_sitting else None, now)


def window_open(starts_at: datetime, ends_at: datetime, latest_start_at: datetime | None, now: datetime) -> bool:
    return starts_at <= now < ends_at and (latest_start_at is None or now <= latest_start_at)


def _grace_end(attempt: Attempt) -> datetime:
    return attempt.deadline + timedelta(seconds=GRACE_SECONDS)


def current_attempt(ticket: Ticket | int) -> Attempt | None:
    """The ticket's latest sitting (a ticket or its id)."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    return Attempt.objects.filter(ticket_id=ticket_id).order_by("-sequence").first()


def _db_datetime(value) -> datetime | None:
    """A datetime read by a raw cursor: aware on PostgreSQL, naive UTC (or text) on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _first_sitting_insert(*, ticket_id: int, now: datetime) -> Attempt | None:
    """The start-time spike's path: the first sitting of a ticket whose paper was assembled at
    issue, in two statements and no transaction (the insert is one statement; the partial unique
    index decides a race). None when anything is unusual (a sitting exists, no paper, absent,
    outside the window): attempt_start's full path then decides and explains."""
    ticket_table, session_table = Ticket._meta.db_table, ExamSession._meta.db_table
    attempt_table, blueprint_table = Attempt._meta.db_table, Blueprint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.blueprint_id, t.paper, t.extra_minutes, t.absent_marked_at, t.revoked_at, s.starts_at, s.ends_at, s.latest_start_at, "
            f"b.time_limit_minutes, "
            f"EXISTS (SELECT 1 FROM {attempt_table} a WHERE a.ticket_id = t.id) "
            f"FROM {ticket_table} t JOIN {session_table} s ON s.id = t.session_id JOIN {blueprint_table} b ON b.id = t.blueprint_id "
            f"WHERE t.id = %s",
            [ticket_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        blueprint_id, paper_text, extra_minutes, absent, revoked, starts_at, ends_at, latest_start, limit_minutes, has_attempt = row
        starts_at, ends_at, latest_start = _db_datetime(starts_at), _db_datetime(ends_at), _db_datetime(latest_start)
        if paper_text is None or absent is not None or revoked is not None or has_attempt or not window_open(starts_at, ends_at, latest_start, now):
            return None
        deadline = min(now + timedelta(minutes=limit_minutes + extra_minutes), ends_at)
        adapt = connection.ops.adapt_datetimefield_value
        save_pass_key = new_save_pass_key()
        # The paper is copied inside the database; ON CONFLICT: a double click's second insert
        # meets the one-open-attempt index and inserts nothing.
        cursor.execute(
            f"INSERT INTO {attempt_table} (ticket_id, sequence, blueprint_id, paper, started_at, deadline, status, "
            f"finished_by, started_by_examiner, save_pass_key) "
            f"SELECT id, 1, blueprint_id, paper, %s, %s, %s, '', %s, %s FROM {ticket_table} WHERE id = %s AND absent_marked_at IS NULL AND revoked_at IS NULL "
            f"ON CONFLICT DO NOTHING RETURNING id",
            [adapt(now), adapt(deadline), AttemptStatus.IN_PROGRESS, False, save_pass_key, ticket_id],
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    paper = json.loads(paper_text) if isinstance(paper_text, str) else paper_text
    attempt = Attempt(pk=inserted[0], ticket_id=ticket_id, sequence=1, blueprint_id=blueprint_id, paper=paper, started_at=now,
                      deadline=deadline, status=AttemptStatus.IN_PROGRESS, save_pass_key=save_pass_key)
    attempt._state.adding, attempt._state.db = False, connection.alias
    return attempt


def attempt_start(*, ticket: Ticket | None = None, ticket_id: int | None = None, now: datetime | None = None,
                  examiner=None) -> Attempt:
    """Start the ticket's sitting, or return the one already started (a double click, a second
    tab, a second device all land on the same attempt). Candidates' starts (by `ticket_id`) take
    the two-statement path when they can; examiners' starts are logged."""
    now = now or timezone.now()
    if examiner is None:
        attempt = _first_sitting_insert(ticket_id=ticket_id or ticket.pk, now=now)
        if attempt is not None:
            return attempt
    if ticket is None:
        ticket = Ticket.objects.select_related("session__plan", "person", "blueprint").get(pk=ticket_id)
    return _attempt_start_checked(ticket=ticket, now=now, examiner=examiner)


@transaction.atomic
def _attempt_start_checked(*, ticket: Ticket, now: datetime, examiner) -> Attempt:
    latest = current_attempt(ticket)
    if latest is not None and latest.status == AttemptStatus.IN_PROGRESS:
        attempt_finalize_if_expired(attempt=latest, now=now)
        return latest
    if latest is not None and latest.sequence >= ticket.sittings_allowed:
        return latest
    if ticket.revoked_at:
        raise ValidationError(_("This ticket was revoked: the unit was withdrawn from the assessment."))
    if ticket.absent_marked_at:
        raise ValidationError(_("This ticket was marked absent; ask the examiners."))
    sequence = (latest.sequence + 1) if latest else 1
    if not attempt_window_open(ticket, now, first_sitting=sequence == 1):
        if sequence == 1 and ticket.session.latest_start_at and ticket.session.starts_at <= now < ticket.session.ends_at:
            raise ValidationError(_("The latest start of this session has passed; no new attempt can start."))
        raise ValidationError(_("The session is not open now."))
    plan = ticket.session.plan
    if sequence == 1 and ticket.paper:
        blueprint, paper = ticket_blueprint(ticket), ticket.paper
    else:
        seen = frozenset(q for a in ticket.attempts.all() for q in (item["q"] for item in a.paper))
        draw = draw_current(plan=plan)
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


def seconds_left(attempt: Attempt | datetime, now: datetime | None = None) -> int:
    """Seconds to the deadline (of an attempt, or a deadline itself)."""
    deadline = attempt if isinstance(attempt, datetime) else attempt.deadline
    return max(0, int((deadline - (now or timezone.now())).total_seconds()))


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


def stored_letters(paper, position: int, shown: str) -> str:
    """The letters to store for an answer given as shown at `position` of a paper (its items, or
    a save pass's shape); ValidationError for a question or option that does not exist."""
    if not 0 <= position < len(paper):
        raise ValidationError(_("No such question."))
    item = paper[position]
    return to_original_letters(item, clean_shown_answer(item, shown))


class AttemptClosed(Exception):
    """The attempt is submitted, or the deadline and its grace have passed."""


# The save pass: a cookie given with the attempt (at start and with the attempt page) that lets
# the save endpoint store an answer in one statement, without loading the session or the paper.
# It names the attempt, its current pass key, and the paper's shape (each question's type and
# option order, which the answer is checked against and translated with), and is signed, bound to
# the session key: it proves that this browser's session was logged in to the attempt's ticket
# when the pass was given. Logging out gives the attempt a new pass key (the statement checks it),
# so a copied cookie stops working too. Without a valid pass, a save takes the session path
# (exam.save): the pass only ever makes saves cheaper.
SAVE_PASS_COOKIE = "exam_save_pass"
_TYPE_CODES = {QuestionType.JUDGE: "j", QuestionType.SINGLE: "s", QuestionType.MULTI: "m"}
_CODE_TYPES = {code: kind for kind, code in _TYPE_CODES.items()}
_SHAPE_ITEM = re.compile(r"([jsm])([0-5]+)")
_save_pass_signer = signing.Signer(salt="assessment.exam.save_pass")


@dataclass(frozen=True)
class SavePass:
    attempt_id: int
    key: str
    shape: list[tuple[str, str]]  # per question: type code, option order digits

    def __len__(self) -> int:
        return len(self.shape)

    def __getitem__(self, position: int) -> dict:
        """The paper item at `position` as the answer helpers take it: {"t": type, "o": order}."""
        kind, order = self.shape[position]
        return {"t": _CODE_TYPES[kind], "o": [int(i) for i in order]}


def save_pass_issue(*, session_key: str, attempt: Attempt) -> str:
    shape = "".join(_TYPE_CODES[item["t"]] + "".join(str(i) for i in item["o"]) for item in attempt.paper)
    value = f"{attempt.pk}.{attempt.save_pass_key}.{shape}"
    return f"{value}.{_save_pass_signer.signature(f'{session_key}:{value}')}"


def save_pass_read(*, session_key: str | None, value: str | None) -> SavePass | None:
    """The pass, if it was signed for this session; None otherwise."""
    if not session_key or not value or value.count(".") != 3:
        return None
    value, signature = value.rsplit(".", 1)
    if not constant_time_compare(signature, _save_pass_signer.signature(f"{session_key}:{value}")):
        return None
    attempt_id, key, shape = value.split(".")
    return SavePass(int(attempt_id), key, _SHAPE_ITEM.findall(shape))


def save_passes_revoke(*, ticket_id: int) -> None:
    """A new pass key for the ticket's open attempt: every pass given so far stops working."""
    Attempt.objects.filter(ticket_id=ticket_id, status=AttemptStatus.IN_PROGRESS).update(save_pass_key=new_save_pass_key())


def attempt_answer_store(*, attempt_id: int, pass_key: str, position: int, letters: str,
                         now: datetime | None = None) -> datetime | None:
    """Store one answer (letters of the version's own options) in one statement, guarded inside
    it: only under the attempt's current pass key, while the attempt is open and the deadline plus
    grace has not passed. Returns the
    deadline, or None when nothing was stored. On PostgreSQL the attempt row is key-share locked,
    so a save waits for a submit that is grading and then finds the attempt closed."""
    now = now or timezone.now()
    answer_table, attempt_table = AttemptAnswer._meta.db_table, Attempt._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {answer_table} (attempt_id, position, letters, saved_at) "
            f"SELECT id, %s, %s, %s FROM {attempt_table} "
            f"WHERE id = %s AND save_pass_key = %s AND status = %s AND deadline >= %s{lock} "
            f"ON CONFLICT (attempt_id, position) DO UPDATE SET letters = excluded.letters, saved_at = excluded.saved_at "
            f"RETURNING (SELECT deadline FROM {attempt_table} WHERE id = %s)",
            [position, letters, adapt(now), attempt_id, pass_key, AttemptStatus.IN_PROGRESS,
             adapt(now - timedelta(seconds=GRACE_SECONDS)), attempt_id],
        )
        row = cursor.fetchone()
    return _db_datetime(row[0]) if row else None


def attempt_save_answers(*, attempt: Attempt, answers: dict[int, str], now: datetime | None = None) -> None:
    """Save answers (position -> letters as shown). Refused after the deadline plus grace, and
    then nothing changes. One upsert whatever the number of answers."""
    now = now or timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS or now > _grace_end(attempt):
        raise AttemptClosed
    rows = [AttemptAnswer(attempt=attempt, position=position, letters=stored_letters(attempt.paper, position, shown), saved_at=now)
            for position, shown in answers.items()]
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
    keys = {pk: (kind, answer) for pk, kind, answer in
            QuestionVersion.objects.filter(pk__in=[item["v"] for item in attempt.paper]).values_list("pk", "type", "answer")}
    answers = dict(attempt.answers.values_list("position", "letters"))
    score = Decimal(0)
    max_score = Decimal(0)
    for position, item in enumerate(attempt.paper):
        kind, correct = keys[item["v"]]
        points = Decimal(blueprint.points_for(kind))
        max_score += points
        given = answers.get(position, "")
        if given == correct:
            score += points
        elif (kind == QuestionType.MULTI and blueprint.multi_scoring == MultiScoring.PARTIAL
              and given and set(given) < set(correct)):
            score += points / 2
    score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    passed = score * 100 >= max_score * blueprint.pass_mark_percent
    return Grade(score, max_score, passed)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now: datetime | None = None, by: str = FinishedBy.CANDIDATE,
                   answers: dict[int, str] | None = None) -> Attempt:
    """Submit and grade, with the last `answers` handed in (position -> letters as shown), in one
    transaction. After the deadline (plus grace) the attempt counts as submitted at the deadline,
    with the answers saved until then; answers handed in that late do not count."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("blueprint", "ticket__session").get(pk=attempt.pk)
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt
    late = now > _grace_end(attempt)
    if answers and not late:
        attempt_save_answers(attempt=attempt, answers=answers, now=now)
    grade = attempt_grade(attempt)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = attempt.deadline if late else min(now, attempt.deadline + timedelta(seconds=GRACE_SECONDS))
    if by == FinishedBy.WITHDRAWN:
        attempt.submitted_at, attempt.finished_by = now, FinishedBy.WITHDRAWN
    else:
        attempt.finished_by = FinishedBy.DEADLINE if (late or by == FinishedBy.DEADLINE) else FinishedBy.CANDIDATE
    attempt.score, attempt.max_score, attempt.passed = grade.score, grade.max_score, grade.passed
    attempt.save(update_fields=["status", "submitted_at", "finished_by", "score", "max_score", "passed"])
    if by != FinishedBy.WITHDRAWN and (attempt.sequence > 1 or attempt.ticket.session.is_resit):
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
    by_plan: dict = {}
    for attempt in expired.select_related("ticket__session__plan").iterator():
        attempt = attempt_submit(attempt=attempt, now=now, by=FinishedBy.DEADLINE)
        by_plan.setdefault(attempt.ticket.session.plan, []).append(attempt.ticket.number)
    # An automatic state change is logged like a staff one, under the named system actor (DESIGN §8).
    actor = system_actor() if by_plan else None
    for plan, numbers in by_plan.items():
        log(instance=plan, action="assessment.attempts_finalize", user=actor,
            data={"tickets": numbers, "from": AttemptStatus.IN_PROGRESS, "to": AttemptStatus.SUBMITTED, "finished_by": FinishedBy.DEADLINE})
    return sum(len(numbers) for numbers in by_plan.values())


@transaction.atomic
def sessions_mark_absent(*, now: datetime | None = None) -> int:
    """缺考: tickets of ended sessions that never started an attempt are marked absent."""
    now = now or timezone.now()
    tickets = list(
        Ticket.objects.select_for_update(of=("self",)).select_related("session__plan")
        .filter(session__ends_at__lte=now, attempts__isnull=True, absent_marked_at__isnull=True)
    )
    if not tickets:
        return 0
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(absent_marked_at=now)
    by_plan: dict = {}
    for ticket in tickets:
        by_plan.setdefault(ticket.session.plan, []).append(ticket.number)
    actor = system_actor()
    for plan, numbers in by_plan.items():
        log(instance=plan, action="assessment.mark_absent", user=actor,
            data={"tickets": numbers, "automatic": True, "reason": "session ended without an attempt"})
    return len(tickets)


@transaction.atomic
def ticket_extend_time(*, actor, ticket: Ticket, minutes: int, reason: str) -> Ticket:
    authorize(actor, "plan.change", ticket)
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
    authorize(actor, "plan.change", ticket)
    if ticket.attempts.exists():
        raise ValidationError(_("This candidate has started; they cannot be marked absent."))
    ticket.absent_marked_at = timezone.now()
    ticket.save(update_fields=["absent_marked_at"])
    log(instance=ticket.session.plan, action="assessment.mark_absent", user=actor, data={"ticket": ticket.number, "reason": reason})
    return ticket


@transaction.atomic
def ticket_grant_resit(*, actor, ticket: Ticket, reason: str) -> Ticket:
    authorize(actor, "plan.change", ticket)
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
