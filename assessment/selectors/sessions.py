"""Reads of an exam session: the live board, the roster, the notices' codes to print."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from supervision.personal_data import text_decrypt

from ..models import AttemptStatus, ExamSession, NoticePrint, Ticket


def ticket_locked(*, ticket: Ticket, now: datetime | None = None) -> bool:
    """Locked out after too many wrong codes, until `locked_until` (an examiner can unlock)."""
    return ticket.locked_until is not None and ticket.locked_until > (now or timezone.now())


BOARD_STATES = ("waiting", "in_progress", "submitted", "absent", "revoked")


def session_board_rows(*, session: ExamSession, now: datetime | None = None) -> tuple[list[dict], dict[str, int]]:
    """One row per ticket with its latest sitting and state, and how many tickets are in each state."""
    now = now or timezone.now()
    rows = []
    counts = dict.fromkeys(BOARD_STATES, 0)
    tickets = session.tickets.select_related("person__unit").prefetch_related("attempts").order_by("number")
    for ticket in tickets:
        attempts = sorted(ticket.attempts.all(), key=lambda a: a.sequence)
        latest = attempts[-1] if attempts else None
        if ticket.revoked_at:
            state = "revoked"
        elif ticket.absent_marked_at and latest is None:
            state = "absent"
        elif latest is None:
            state = "waiting"
        elif latest.status == AttemptStatus.IN_PROGRESS:
            state = "in_progress"
        else:
            state = "submitted"
        counts[state] += 1
        rows.append({"ticket": ticket, "attempt": latest, "state": state, "locked": ticket_locked(ticket=ticket, now=now)})
    return rows, counts


def session_roster(*, session: ExamSession) -> tuple:
    """The session's live tickets (by number) and its examiners."""
    tickets = session.tickets.filter(revoked_at__isnull=True).select_related("person__unit").order_by("number")
    assignments = session.assignments.select_related("staff__user", "staff__jurisdiction")
    return tickets, assignments


@dataclass(frozen=True)
class NoticeLine:
    ticket: Ticket
    access_code: str | None  # None: no printable code kept (issued before codes were kept, or erased)
    replaces_earlier: bool
    printed_at: datetime | None


def notice_lines(*, session: ExamSession, notice: NoticePrint | None = None, now: datetime | None = None) -> list[NoticeLine]:
    """The codes to print: those of one printing, or (notice=None) every live ticket of the session
    with its latest code. Codes are never shown once the session has ended."""
    now = now or timezone.now()
    prints = [notice] if notice is not None else list(session.notice_prints.order_by("created_at", "pk"))
    latest: dict[int, tuple[str, NoticePrint]] = {}
    if now < session.ends_at:
        for item in prints:
            if not item.codes_encrypted:
                continue
            for ticket_pk, code in json.loads(text_decrypt(item.codes_encrypted)).items():
                latest[int(ticket_pk)] = (code, item)
    tickets = Ticket.objects.filter(session=session, revoked_at__isnull=True).select_related("person__unit").order_by("person__unit__name", "person__unit_id", "number")
    if notice is not None:
        tickets = tickets.filter(pk__in=notice.tickets.values("pk"))
    lines = []
    for ticket in tickets:
        code, item = latest.get(ticket.pk, (None, None))
        # A code printed earlier is stale if the ticket got a new one since (its issued_at moved on).
        if item is not None and notice is not None and ticket.issued_at > item.created_at:
            code = None
        lines.append(NoticeLine(ticket, code, bool(item and item.replaces_earlier), item.created_at if item else None))
    return lines
