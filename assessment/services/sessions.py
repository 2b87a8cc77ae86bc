"""Exam sessions, examiners (the second random) and admission tickets (准考证)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.models import Jurisdiction, JurisdictionLevel, Person, ProductionUnit, StaffProfile
from supervision.personal_data import text_encrypt
from supervision.scoping import staff_profile_of
from supervision.services.system import system_actor

from .. import verify_draw
from ..models import (
    ConflictDeclaration,
    DrawSelection,
    ExaminerAssignment,
    ExaminerPool,
    ExamSession,
    LoginThrottle,
    NoticePrint,
    PlanStatus,
    SamplingPlan,
    SamplingUnit,
    Ticket,
)
from ..selectors.plans import draw_current
from ..selectors.sessions import ticket_locked
from .attempts import PaperFactory
from .papers import BlueprintInfeasible
from .purposes import assessment_only

MIN_EXAMINERS = 2
# No 0/O, 1/I/L: a code read off paper is typed right.
ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACCESS_CODE_LENGTH = 8
# The examiner frame: verify_draw's two columns, then where each examiner comes from.
EXAMINER_FRAME_HEADER = [*verify_draw.FRAME_HEADER, "pool", "jurisdiction_code", "jurisdiction"]


@transaction.atomic
def session_create(*, actor, plan: SamplingPlan, name: str, mode: str, venue: str, starts_at, ends_at, latest_start_at=None) -> ExamSession:
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.get(pk=plan.pk)
    assessment_only(plan)
    if plan.status not in (PlanStatus.DRAWN,):
        raise ValidationError(_("Sessions are set up after the draw."))
    if ends_at <= starts_at:
        raise ValidationError(_("A session ends after it starts."))
    if latest_start_at is not None and not starts_at <= latest_start_at <= ends_at:
        raise ValidationError(_("The latest start lies between the session's start and its end."))
    session = ExamSession.objects.create(plan=plan, name=name, mode=mode, venue=venue, starts_at=starts_at, ends_at=ends_at,
                                         latest_start_at=latest_start_at)
    log(instance=plan, action="assessment.session_create", user=actor, data={"session": session.pk, "name": name})
    return session


def access_code_hash(number: str, code: str) -> str:
    """HMAC-SHA256 under a key derived from SECRET_KEY. Codes are random (31^8 ≈ 8.5e11) and
    logins rate-limited, so a fast keyed hash is enough, and it keeps the start-time spike cheap
    where a password hasher (hundreds of ms each) would not."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"assessment.ticket.access_code", hashlib.sha256).digest()
    return hmac.new(key, f"{number}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def ticket_check(*, number: str, code: str) -> Ticket | None:
    """The ticket whose number and access code match, or None (same work either way)."""
    ticket = Ticket.objects.select_related("session", "person").filter(number=number.strip()).first()
    return ticket if _code_matches(ticket, number.strip(), code) else None


def _code_matches(ticket: Ticket | None, number: str, code: str) -> bool:
    """Whether the code is the ticket's, with the same work when there is no such ticket."""
    expected = ticket.access_code_hash if ticket else "0" * 64
    return hmac.compare_digest(expected, access_code_hash(number, code)) and ticket is not None


class LoginRefused(Exception):
    """An exam login refused; the message says why, in the candidate's words."""


def _address_locked(address: str, now: datetime) -> bool:
    window_start = now - timedelta(seconds=settings.EXAM_LOGIN_LOCK_SECONDS)
    return LoginThrottle.objects.filter(
        address=address, window_started_at__gt=window_start, failures__gte=settings.EXAM_LOGIN_ADDRESS_FAILURES,
    ).exists()


def _address_failure_record(address: str, now: datetime) -> None:
    """One more failure from the address in its window (a new window once the old one passed)."""
    window_start = now - timedelta(seconds=settings.EXAM_LOGIN_LOCK_SECONDS)
    updated = LoginThrottle.objects.filter(address=address).update(
        failures=Case(When(window_started_at__lte=window_start, then=Value(1)), default=F("failures") + 1),
        window_started_at=Case(When(window_started_at__lte=window_start, then=Value(now)), default=F("window_started_at")),
    )
    if not updated:
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(address=address, window_started_at=now, failures=1)
        except IntegrityError:  # another process created the row first: count on it
            _address_failure_record(address, now)


def _ticket_failure_record(ticket: Ticket, now: datetime) -> None:
    """One more wrong code for the ticket, in one guarded statement (two processes at once both
    count); at the limit the ticket is locked. A lock that has run out starts the count again."""
    limit, lock = settings.EXAM_LOGIN_TICKET_FAILURES, timedelta(seconds=settings.EXAM_LOGIN_LOCK_SECONDS)
    expired = Q(locked_until__isnull=False, locked_until__lte=now)
    Ticket.objects.filter(pk=ticket.pk).update(
        failed_logins=Case(When(expired, then=Value(1)), default=F("failed_logins") + 1),
        locked_until=Case(
            When(expired, then=Value(None)),
            When(failed_logins__gte=limit - 1, then=Value(now + lock)),
            default=F("locked_until"),
        ),
    )


def ticket_login(*, number: str, code: str, address: str, now: datetime | None = None) -> Ticket:
    """The ticket whose number and access code match, for a login from `address`; LoginRefused
    otherwise. Wrong codes lock the ticket they were typed for (after
    EXAM_LOGIN_TICKET_FAILURES), never its neighbours behind the same router; an address is
    refused only after EXAM_LOGIN_ADDRESS_FAILURES failures in the window."""
    now = now or timezone.now()
    number = number.strip()
    if _address_locked(address, now):
        raise LoginRefused(_("Too many wrong access codes from this network. Try again in 15 minutes, or ask the examiners."))
    ticket = Ticket.objects.select_related("session", "person").filter(number=number).first()
    if ticket is not None and ticket_locked(ticket=ticket, now=now):
        raise LoginRefused(_("This ticket is locked after too many wrong access codes. Ask the examiners to unlock it, or try again in 15 minutes."))
    if not _code_matches(ticket, number, code):
        _address_failure_record(address, now)
        if ticket is not None:
            _ticket_failure_record(ticket, now)
        raise LoginRefused(_("The ticket number or access code is wrong. Please check your assessment notice."))
    if ticket.revoked_at:
        # Only after the right code: a wrong guess learns nothing about the ticket.
        raise LoginRefused(_("This ticket was revoked: your unit was withdrawn from this assessment. Nothing more is needed from you."))
    if ticket.failed_logins:
        Ticket.objects.filter(pk=ticket.pk).update(failed_logins=0, locked_until=None)
    return ticket


@transaction.atomic
def ticket_unlock(*, actor, ticket: Ticket) -> Ticket:
    """An examiner or operator lets a locked-out candidate try again (logged with the actor)."""
    authorize(actor, "plan.change", ticket)
    ticket = Ticket.objects.select_for_update().select_related("session__plan").get(pk=ticket.pk)
    old = {"failed_logins": ticket.failed_logins, "locked_until": ticket.locked_until.isoformat() if ticket.locked_until else None}
    ticket.failed_logins, ticket.locked_until = 0, None
    ticket.save(update_fields=["failed_logins", "locked_until"])
    log(instance=ticket.session.plan, action="assessment.ticket_unlock", user=actor,
        data={"ticket": ticket.number, "old": old, "new": {"failed_logins": 0, "locked_until": None}})
    return ticket


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    access_code: str  # shown once, for printing; only its hash is stored


def _people_for(plan: SamplingPlan, selection: DrawSelection) -> list[Person]:
    if plan.sampling_unit == SamplingUnit.PERSON:
        return [selection.person] if selection.person_id else []
    return list(Person.objects.filter(unit_id=selection.unit_id, left_on__isnull=True, role__in=plan.roles).order_by("role", "pk"))


@transaction.atomic
def tickets_issue(*, actor, session: ExamSession, selections: list[DrawSelection]) -> list[IssuedTicket]:
    """Give every sampled person of the selections a ticket for the session; the access codes
    are returned once for the printed notices (考核通知书)."""
    authorize(actor, "plan.change", session)
    plan = SamplingPlan.objects.select_for_update().get(pk=session.plan_id)
    assessment_only(plan)
    papers = PaperFactory()
    draw = draw_current(plan=plan)
    issued: list[IssuedTicket] = []
    sequence = Ticket.objects.filter(session__plan=plan).count()
    already = set(Ticket.objects.filter(session__plan=plan).values_list("person_id", flat=True))
    now = timezone.now()
    for selection in selections:
        if selection.draw.plan_id != plan.pk or selection.withdrawn_reason:
            raise ValidationError(_("Only active selections of this plan's draw get tickets."))
        for person in _people_for(plan, selection):
            if person.pk in already:
                continue
            sequence += 1
            number = f"{plan.year % 100:02d}{plan.pk:04d}{sequence:05d}"
            code = _new_code()
            ticket = Ticket(
                session=session, person=person, selection=selection, number=number,
                access_code_hash=access_code_hash(number, code), issued_at=now, issued_by=actor,
            )
            # The paper is assembled now, at issue, so that the start-time spike costs one insert.
            try:
                ticket.blueprint, ticket.paper = papers.paper(plan=plan, ticket=ticket, seed=draw.seed)
            except BlueprintInfeasible as error:
                raise ValidationError(_("The question bank cannot fill the paper: %(detail)s") % {"detail": error})
            ticket.save()
            already.add(person.pk)
            issued.append(IssuedTicket(ticket, code))
    if issued:
        notice_print_record(actor=actor, session=session, issued=issued, replaces_earlier=False)
    log(instance=plan, action="assessment.tickets_issue", user=actor, data={"session": session.pk, "tickets": [t.ticket.number for t in issued]})
    return issued


def _code_replace(actor, ticket: Ticket, now: datetime) -> IssuedTicket:
    code = _new_code()
    ticket.access_code_hash = access_code_hash(ticket.number, code)
    ticket.issued_at = now
    ticket.issued_by = actor
    # A new notice is a fresh start: earlier wrong codes were typed against the old one.
    ticket.failed_logins = 0
    ticket.locked_until = None
    ticket.save(update_fields=["access_code_hash", "issued_at", "issued_by", "failed_logins", "locked_until"])
    return IssuedTicket(ticket, code)


def _reprint_allowed(session: ExamSession, now: datetime) -> None:
    if now >= session.ends_at:
        raise ValidationError(_("The session has ended; its notices can no longer be printed."))


@transaction.atomic
def ticket_reissue(*, actor, ticket: Ticket) -> IssuedTicket:
    """A new access code for one ticket; the old one stops working at once."""
    authorize(actor, "plan.change", ticket)
    ticket = Ticket.objects.select_for_update().select_related("session__plan", "person__unit").get(pk=ticket.pk)
    now = timezone.now()
    _reprint_allowed(ticket.session, now)
    if ticket.revoked_at:
        raise ValidationError(_("This ticket was revoked when its unit was withdrawn."))
    issued = _code_replace(actor, ticket, now)
    notice = notice_print_record(actor=actor, session=ticket.session, issued=[issued], replaces_earlier=True)
    log(instance=ticket.session.plan, action="assessment.ticket_reissue", user=actor, data={"ticket": ticket.number, "notice": notice.pk})
    return issued


@transaction.atomic
def unit_notices_reprint(*, actor, session: ExamSession, unit: ProductionUnit) -> NoticePrint:
    """Reprint a unit's notice for a session (a printer jam, a lost sheet): every live ticket of
    the unit gets a new access code, the old ones stop working at once, and the new notice says
    that it replaces the earlier one."""
    authorize(actor, "plan.change", session)
    now = timezone.now()
    session = ExamSession.objects.select_related("plan").get(pk=session.pk)
    _reprint_allowed(session, now)
    tickets = list(
        Ticket.objects.select_for_update(of=("self",)).select_related("person__unit")
        .filter(session=session, person__unit=unit, revoked_at__isnull=True).order_by("number")
    )
    if not tickets:
        raise ValidationError(_("This unit has no live ticket in this session."))
    issued = [_code_replace(actor, ticket, now) for ticket in tickets]
    notice = notice_print_record(actor=actor, session=session, issued=issued, replaces_earlier=True)
    log(instance=session.plan, action="assessment.notices_reprint", user=actor, data={
        "session": session.pk, "unit": unit.pk, "tickets": [t.number for t in tickets], "notice": notice.pk,
    })
    return notice


def notice_print_record(*, actor, session: ExamSession, issued: list[IssuedTicket], replaces_earlier: bool) -> NoticePrint:
    """Keep the codes just made, encrypted, so that the notices can be printed again until the
    session ends (the page is a GET, not the answer to the POST that made them)."""
    codes = {str(item.ticket.pk): item.access_code for item in issued}
    notice = NoticePrint.objects.create(
        session=session, codes_encrypted=text_encrypt(json.dumps(codes)), replaces_earlier=replaces_earlier, created_by=actor,
    )
    notice.tickets.set([item.ticket for item in issued])
    return notice


def notice_codes_erase(now: datetime | None = None) -> int:
    """After a session ends its kept access codes are erased: nothing can log in with them anyway."""
    now = now or timezone.now()
    with transaction.atomic():
        prints = list(NoticePrint.objects.select_for_update(of=("self",)).select_related("session__plan")
                      .filter(session__ends_at__lte=now).exclude(codes_encrypted=""))
        if not prints:
            return 0
        NoticePrint.objects.filter(pk__in=[notice.pk for notice in prints]).update(codes_encrypted="")
        by_plan: dict = {}  # plan -> (its sessions, how many printings were erased)
        for notice in prints:
            sessions, count = by_plan.get(notice.session.plan, (set(), 0))
            by_plan[notice.session.plan] = (sessions | {notice.session.pk}, count + 1)
        actor = system_actor()
        for plan, (sessions, count) in by_plan.items():
            log(instance=plan, action="assessment.notice_codes_erase", user=actor, data={"sessions": sorted(sessions), "printings": count})
    return len(prints)


def plan_previous(plan: SamplingPlan) -> SamplingPlan | None:
    """The jurisdiction's round before this one of the same purpose (an inspection round is
    never "the last round" of an assessment, nor the other way round)."""
    return (
        SamplingPlan.objects.filter(jurisdiction=plan.jurisdiction, purpose=plan.purpose)
        .exclude(pk=plan.pk)
        .filter(year__lte=plan.year)
        .exclude(year=plan.year, batch__gt=plan.batch)
        .order_by("-year", "-batch")
        .first()
    )


def _recused(session: ExamSession, candidates: list[StaffProfile]) -> set[int]:
    """Staff who declared a conflict with a unit of the session, or examined one in the last round."""
    unit_ids = set(session.tickets.values_list("person__unit_id", flat=True))
    recused = set(ConflictDeclaration.objects.filter(unit_id__in=unit_ids, staff__in=candidates).values_list("staff_id", flat=True))
    previous = plan_previous(session.plan)
    if previous is not None:
        recused |= set(
            ExaminerAssignment.objects.filter(
                session__plan=previous, session__tickets__person__unit_id__in=unit_ids,
            ).values_list("staff_id", flat=True)
        )
    return recused


def city_of(jurisdiction: Jurisdiction) -> Jurisdiction | None:
    """The city above a county bureau; None for a city or province plan (nothing wider) and for
    a county directly under a province."""
    if jurisdiction.level != JurisdictionLevel.COUNTY:
        return None
    parent = jurisdiction.get_parent()
    return parent if parent is not None and parent.level == JurisdictionLevel.CITY else None


def staff_pool(plan: SamplingPlan, *, pool: str, exclude_pk: int | None) -> QuerySet[StaffProfile]:
    """The staff of the plan's own subtree, or of the other counties of its city (the city's
    执法检查人员名录库), less the person running the draw: the pool examiners and inspectors are drawn from."""
    if pool == ExaminerPool.OWN:
        staff = StaffProfile.objects.filter(jurisdiction__path__startswith=plan.jurisdiction.path)
    else:
        city = city_of(plan.jurisdiction)
        if city is None:
            return StaffProfile.objects.none()
        staff = StaffProfile.objects.filter(
            jurisdiction__path__startswith=city.path, jurisdiction__level=JurisdictionLevel.COUNTY,
        ).exclude(jurisdiction__path__startswith=plan.jurisdiction.path)
    return staff.exclude(pk=exclude_pk).select_related("jurisdiction", "user")


def examiner_candidates(plan: SamplingPlan, *, pool: str, exclude_pk: int | None) -> list[StaffProfile]:
    """Staff who can examine in the plan's own subtree, or in the other counties of its city."""
    return list(staff_pool(plan, pool=pool, exclude_pk=exclude_pk).filter(can_examine=True))


def examiner_frame_csv(session: ExamSession, pools: dict[str, list[StaffProfile]]) -> str:
    """The examiner frame as published: verify_draw's header "id,stratum" (one stratum, ""), then
    where each examiner comes from. Ids and bureaus only: no names, as on the public page."""
    return staff_frame_csv(f"examiner:{session.pk}", pools)


def staff_frame_csv(prefix: str, pools: dict[str, list[StaffProfile]]) -> str:
    """A frame of staff (examiners of a session, inspectors of an inspection): ids
    "<prefix>:<staff pk>" under EXAMINER_FRAME_HEADER, sorted, as verify_draw reads them."""
    rows = sorted(
        (f"{prefix}:{s.pk}", "", pool, s.jurisdiction.code, s.jurisdiction.name)
        for pool, staff in pools.items() for s in staff
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXAMINER_FRAME_HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@transaction.atomic
def examiners_draw(*, actor, session: ExamSession, count: int = MIN_EXAMINERS) -> list[ExaminerAssignment]:
    """The second random: examiners drawn from the staff who can examine, with the plan's public
    seed and the same consistent sampler (ids "examiner:<session>:<staff>"), after recusal.

    The person running the draw is never in it. When the bureau's eligible staff are fewer than
    `plan.examiner_pool_multiple` times `count`, and the plan allows it, the city's other counties'
    staff join the pool (recused the same way). The frame is stored and hashed on the session
    before the draw, and the draw is made from that very file, so the public can re-run it."""
    authorize(actor, "plan.change", session)
    session = ExamSession.objects.select_for_update(of=("self",)).select_related("plan__jurisdiction").get(pk=session.pk)
    if count < MIN_EXAMINERS:
        raise ValidationError(_("At least two examiners per session."))
    if session.assignments.exists():
        raise ValidationError(_("Examiners have already been drawn for this session."))
    if not session.tickets.exists():
        raise ValidationError(_("Issue the session's tickets first: recusal depends on its units."))
    plan = session.plan
    assessment_only(plan)
    draw = draw_current(plan=plan)
    operator = staff_profile_of(actor)
    exclude_pk = operator.pk if operator else None
    own = examiner_candidates(plan, pool=ExaminerPool.OWN, exclude_pk=exclude_pk)
    recused = _recused(session, own)
    pools = {ExaminerPool.OWN: [s for s in own if s.pk not in recused]}
    widened = plan.examiner_pool_widen and len(pools[ExaminerPool.OWN]) < plan.examiner_pool_multiple * count
    if widened:
        city = examiner_candidates(plan, pool=ExaminerPool.CITY, exclude_pk=exclude_pk)
        recused |= _recused(session, city)
        pools[ExaminerPool.CITY] = [s for s in city if s.pk not in recused]
    eligible = {f"examiner:{session.pk}:{s.pk}": s for staff in pools.values() for s in staff}
    if len(eligible) < count:
        reasons = [_("Only %(n)s staff can examine this session after recusal; %(needed)s are needed.") % {"n": len(eligible), "needed": count}]
        if operator is not None and operator.can_examine:
            reasons.append(_("The person running the draw is never drawn, so you are not counted."))
        if not plan.examiner_pool_widen:
            reasons.append(_("The plan does not widen the pool to the city's other counties."))
        elif widened:
            reasons.append(_("The staff of the city's other counties who can examine were counted too."))
        raise ValidationError(" ".join(reasons))
    text = examiner_frame_csv(session, pools)
    session.examiner_frame_csv, session.examiner_frame_sha256 = text, verify_draw.frame_sha256(text)
    session.save(update_fields=["examiner_frame_csv", "examiner_frame_sha256"])
    chosen = verify_draw.draw(verify_draw.read_frame(text), draw.seed, {"": count})
    assignments = [
        ExaminerAssignment.objects.create(session=session, staff=eligible[element_id], ticket=ticket, position=position)
        for position, (ticket, element_id, _s) in enumerate(chosen, start=1)
    ]
    log(instance=plan, action="assessment.examiners_draw", user=actor, data={
        "session": session.pk, "examiners": [a.staff_id for a in assignments], "recused": sorted(recused),
        "pool": session.examiner_pool, "widened": widened, "frame_sha256": session.examiner_frame_sha256,
        "frame_size": len(eligible), "excluded_actor": exclude_pk,
    })
    return assignments
