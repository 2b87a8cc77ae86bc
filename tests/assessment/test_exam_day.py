"""Exam day as a county runs it (issue 12): reprinted notices, withdrawn units, the latest start,
confirmations before what cannot be undone."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment import selectors
from assessment.models import Attempt, AttemptStatus, DrawSelection, FinishedBy, NoticePrint, Ticket
from assessment.services import attempts as attempt_service
from assessment.services import sampling, sessions
from assessment.services.sessions import LoginRefused, ticket_login
from tests.factories import open_session_with_tickets

CODE = r"{number}</td><td class=\"code\">([A-Z0-9]{{8}})<"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def exam(staff, tree):
    return open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)


def _login(number, code, address="192.0.2.50"):
    return Client(REMOTE_ADDR=address).post(reverse("exam:entry"), {"ticket_number": number, "access_code": code})


def _code_on(page: str, number: str) -> str:
    return re.search(CODE.format(number=number), page).group(1)


# --- notices: a page of their own, reprinted, regenerated ---------------------------------------

def test_the_issued_notices_can_be_printed_again_until_the_session_ends(exam, staff, client_for):
    session, issued = exam
    operator = client_for(staff.operator_a)
    printing = NoticePrint.objects.get(session=session)
    url = reverse("plans:notice_print", args=[session.plan_id, session.pk, printing.pk])
    first = operator.get(url).content.decode()
    for item in issued:
        assert _code_on(first, item.ticket.number) == item.access_code
    assert operator.get(url).content.decode().count("class=\"code\"") == first.count("class=\"code\"")
    everything = operator.get(reverse("plans:session_notices", args=[session.plan_id, session.pk])).content.decode()
    assert all(_code_on(everything, i.ticket.number) == i.access_code for i in issued)
    assert ModelLogEntry.objects.filter(action="assessment.notices_print", user=staff.operator_a).count() == 1
    # the codes are stored only encrypted
    assert issued[0].access_code not in NoticePrint.objects.get(pk=printing.pk).codes_encrypted
    # After the end: no code is shown, and housekeeping erases them.
    later = timezone.now() + timedelta(hours=4)
    assert all(line.access_code is None for line in selectors.notice_lines(session=session, now=later))
    assert sessions.notice_codes_erase(now=later) == 1
    assert NoticePrint.objects.get(pk=printing.pk).codes_encrypted == ""
    erased = ModelLogEntry.objects.get(action="assessment.notice_codes_erase")
    assert erased.user.username == "system" and erased.data["sessions"] == [session.pk]


def test_reprinting_a_units_notice_replaces_its_codes_and_refuses_the_old_ones(exam, staff, client_for):
    session, issued = exam
    operator = client_for(staff.operator_a)
    unit = issued[0].ticket.person.unit
    of_unit = [i for i in issued if i.ticket.person.unit_id == unit.pk]
    others = [i for i in issued if i.ticket.person.unit_id != unit.pk]
    board = operator.get(reverse("plans:session_board", args=[session.plan_id, session.pk])).content.decode()
    reprint_url = reverse("plans:unit_reprint", args=[session.plan_id, session.pk, unit.pk])
    assert reprint_url in board and "data-confirm" in board
    response = operator.post(reprint_url)
    assert response.status_code == 302 and "/notices/" in response["Location"]
    page = operator.get(response["Location"]).content.decode()
    assert "取代" in page  # the printed page says it replaces the earlier notice
    for item in of_unit:
        new_code = _code_on(page, item.ticket.number)
        assert new_code != item.access_code
        assert _login(item.ticket.number, item.access_code).status_code == 400  # the old code is refused at once
        assert _login(item.ticket.number, new_code).status_code == 302
    assert all(o.ticket.number not in page for o in others)  # only that unit
    assert _login(others[0].ticket.number, others[0].access_code).status_code == 302  # the others keep theirs
    entry = ModelLogEntry.objects.get(action="assessment.notices_reprint")
    assert entry.user == staff.operator_a and sorted(entry.data["tickets"]) == sorted(i.ticket.number for i in of_unit)
    # the earlier printing no longer shows the replaced codes; the whole session shows the new ones
    first = NoticePrint.objects.filter(session=session, replaces_earlier=False).get()
    old_page = operator.get(reverse("plans:notice_print", args=[session.plan_id, session.pk, first.pk])).content.decode()
    assert of_unit[0].access_code not in old_page and others[0].access_code in old_page
    everything = operator.get(reverse("plans:session_notices", args=[session.plan_id, session.pk])).content.decode()
    assert _code_on(everything, of_unit[0].ticket.number) == _code_on(page, of_unit[0].ticket.number)


def test_a_reprint_clears_a_lock_and_the_roster_offers_it(exam, staff, client_for):
    session, issued = exam
    ticket = issued[0].ticket
    for _ in range(5):
        _login(ticket.number, "WRONG234")
    assert selectors.ticket_locked(ticket=Ticket.objects.get(pk=ticket.pk))
    printing = sessions.unit_notices_reprint(actor=staff.operator_a, session=session, unit=ticket.person.unit)
    assert not selectors.ticket_locked(ticket=Ticket.objects.get(pk=ticket.pk))
    code = next(line.access_code for line in selectors.notice_lines(session=session, notice=printing) if line.ticket.pk == ticket.pk)
    assert _login(ticket.number, code).status_code == 302
    roster = client_for(staff.operator_a).get(reverse("plans:session_roster", args=[session.plan_id, session.pk])).content.decode()
    assert reverse("plans:unit_reprint", args=[session.plan_id, session.pk, ticket.person.unit_id]) in roster


def test_reprints_are_refused_to_the_wrong_people_and_after_the_end(exam, staff, client_for):
    session, issued = exam
    unit = issued[0].ticket.person.unit
    url = reverse("plans:unit_reprint", args=[session.plan_id, session.pk, unit.pk])
    assert client_for(staff.operator_b).post(url).status_code == 404  # another county's session
    assert client_for(staff.operator_b).get(reverse("plans:session_notices", args=[session.plan_id, session.pk])).status_code == 404
    client_for(staff.overseer).post(url)
    overseer = client_for(staff.overseer).get(reverse("plans:session_notices", args=[session.plan_id, session.pk]))
    assert overseer.status_code == 302 and issued[0].access_code not in overseer.content.decode()  # Wagtail's refusal
    assert not ModelLogEntry.objects.filter(action="assessment.notices_reprint").exists()
    assert client_for(staff.operator_a).get(url).status_code == 405
    assert _login(issued[0].ticket.number, issued[0].access_code).status_code == 302  # nothing changed
    with time_machine.travel(session.ends_at, tick=False):  # the second the session ends
        response = client_for(staff.operator_a).post(url, follow=True)
    assert "已结束" in response.content.decode()
    assert NoticePrint.objects.filter(session=session).count() == 1


# --- withdrawal --------------------------------------------------------------------------------

def test_withdrawing_a_unit_revokes_its_tickets_and_closes_an_open_attempt(exam, staff, client_for):
    session, issued = exam
    draw = session.plan.draws.get()
    selection = issued[0].ticket.selection
    of_unit = [i for i in issued if i.ticket.selection_id == selection.pk]
    started = attempt_service.attempt_start(ticket_id=of_unit[0].ticket.pk)
    operator = client_for(staff.operator_a)
    response = operator.post(reverse("plans:withdraw", args=[session.plan_id, selection.pk]), {"reason": "企业已注销"})
    assert response.status_code == 302
    for item in of_unit:
        ticket = Ticket.objects.get(pk=item.ticket.pk)
        assert ticket.revoked_at is not None and ticket.revoked_reason == "企业已注销"
        refused = _login(item.ticket.number, item.access_code)
        assert refused.status_code == 400 and "作废" in refused.content.decode()
    attempt = Attempt.objects.get(pk=started.pk)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.finished_by == FinishedBy.WITHDRAWN
    # the start paths refuse a revoked ticket that never started, the fast one included: a second
    # unit, withdrawn before anyone of it sat (the first may have only the one person who started)
    other = next(i.ticket.selection for i in issued if i.ticket.selection_id != selection.pk)
    sampling.draw_extend(actor=staff.operator_a, draw=draw, withdraw=other, reason="停产")
    never_started = Ticket.objects.filter(selection=other).first()
    with pytest.raises(Exception):
        attempt_service.attempt_start(ticket_id=never_started.pk)
    assert not Attempt.objects.filter(ticket=never_started).exists()
    # the board shows them revoked, with no action; the replacement gets tickets by issuing again
    board = operator.get(reverse("plans:session_board", args=[session.plan_id, session.pk])).content.decode()
    assert "已撤销" in board or "作废" in board
    replacement = DrawSelection.objects.filter(draw=draw, is_extension=True).order_by("position").first()
    assert operator.post(reverse("plans:session_tickets", args=[session.plan_id, session.pk])).status_code == 302
    assert Ticket.objects.filter(selection=replacement, revoked_at__isnull=True).exists()
    entry = ModelLogEntry.objects.filter(action="assessment.draw_extend").order_by("pk").first()
    assert sorted(entry.data["revoked_tickets"]) == sorted(i.ticket.number for i in of_unit)
    # the notices printed again leave the revoked out
    everything = operator.get(reverse("plans:session_notices", args=[session.plan_id, session.pk])).content.decode()
    assert all(i.ticket.number not in everything for i in of_unit)


def test_a_candidate_logged_in_when_the_unit_is_withdrawn_is_shown_out(exam, staff):
    session, issued = exam
    client = Client()
    client.post(reverse("exam:entry"), {"ticket_number": issued[0].ticket.number, "access_code": issued[0].access_code})
    client.post(reverse("exam:start"))
    sampling.draw_extend(actor=staff.operator_a, draw=session.plan.draws.get(), withdraw=issued[0].ticket.selection, reason="停产")
    assert client.post(reverse("exam:save"), {"position": 0, "answer": "A"}).status_code in (302, 403, 409)
    assert not Attempt.objects.get(ticket_id=issued[0].ticket.pk).answers.exists()
    assert client.get(reverse("exam:overview")).status_code == 302


# --- the latest start --------------------------------------------------------------------------

@pytest.mark.parametrize("fast", [True, False])
def test_the_latest_start_is_enforced_to_the_second_on_both_paths(staff, tree, fast):
    now = timezone.now().replace(microsecond=0)
    latest = now + timedelta(minutes=20)
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                start=now - timedelta(minutes=10), end=now + timedelta(hours=2), latest_start=latest)

    def start(item, at):
        if fast:
            return attempt_service.attempt_start(ticket_id=item.ticket.pk, now=at)
        ticket = Ticket.objects.select_related("session__plan", "person", "blueprint").get(pk=item.ticket.pk)
        return attempt_service._attempt_start_checked(ticket=ticket, now=at, examiner=None)

    assert start(issued[0], latest).started_at == latest  # at the latest start itself: allowed
    with pytest.raises(Exception) as refused:
        start(issued[1], latest + timedelta(seconds=1))
    assert "最晚" in str(refused.value)
    assert not Attempt.objects.filter(ticket_id=issued[1].ticket.pk).exists()


def test_the_session_form_refuses_a_latest_start_outside_the_window(exam, staff, client_for):
    session, _issued = exam
    start = timezone.localtime() + timedelta(days=2)
    data = {"name": "第二场", "mode": "online", "venue": "", "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT11:00"), "latest_start_at": start.strftime("%Y-%m-%dT11:30")}
    response = client_for(staff.operator_a).post(reverse("plans:session_create", args=[session.plan_id]), data, follow=True)
    assert "最晚开考" in response.content.decode() and session.plan.sessions.count() == 1
    data["latest_start_at"] = start.strftime("%Y-%m-%dT09:30")
    client_for(staff.operator_a).post(reverse("plans:session_create", args=[session.plan_id]), data)
    created = session.plan.sessions.get(name="第二场")
    assert timezone.localtime(created.latest_start_at).strftime("%H:%M") == "09:30"


def test_the_session_end_is_exclusive_to_the_second(staff, tree):
    now = timezone.now().replace(microsecond=0)
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                start=now - timedelta(minutes=10), end=now + timedelta(minutes=50))
    with pytest.raises(Exception):
        attempt_service.attempt_start(ticket_id=issued[0].ticket.pk, now=session.ends_at)
    assert attempt_service.attempt_start(ticket_id=issued[0].ticket.pk, now=session.ends_at - timedelta(seconds=1)).pk


# --- confirmations -----------------------------------------------------------------------------

def test_irreversible_actions_ask_first_in_their_own_words(exam, staff, client_for):
    session, issued = exam
    operator = client_for(staff.operator_a)
    plan_page = operator.get(reverse("plans:inspect", args=[session.plan_id])).content.decode()
    for words in ("撤出", "准考证", "检查人员"):
        assert re.search(rf'data-confirm="[^"]*{words}[^"]*"', plan_page), words
    assert "onsubmit=" not in plan_page  # no inline script: the dialogs come from static/js/confirm.js
    assert "js/confirm.js" in plan_page
    attempt = attempt_service.attempt_start(ticket_id=issued[0].ticket.pk)
    attempt_service.attempt_submit(attempt=attempt)
    board = operator.get(reverse("plans:session_board", args=[session.plan_id, session.pk])).content.decode()
    assert re.search(r'data-confirm="[^"]*补考[^"]*"', board)


# --- the candidate's session on a shared device -----------------------------------------------

def test_an_exam_login_ends_with_the_window_and_soon_after_submitting(staff, tree):
    now = timezone.now()
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                start=now - timedelta(minutes=5), end=now + timedelta(hours=1))
    client = Client()
    client.post(reverse("exam:entry"), {"ticket_number": issued[0].ticket.number, "access_code": issued[0].access_code})
    age = client.session.get_expiry_age()
    assert 3600 < age <= 3600 + 15 * 60 + 5  # the window's end and a margin, not a fortnight
    with time_machine.travel(session.ends_at + timedelta(minutes=16)):
        assert client.get(reverse("exam:overview")).status_code == 302  # logged out by then
    client = Client()
    client.post(reverse("exam:entry"), {"ticket_number": issued[1].ticket.number, "access_code": issued[1].access_code})
    client.post(reverse("exam:start"))
    client.post(reverse("exam:attempt"), {"action": "submit"})
    assert client.session.get_expiry_age() <= 15 * 60
    # a fortnight's window still gives no more than a working day
    from tests.factories import make_staff

    approver_b = make_staff("ap-b", "approver", tree.county_b).user
    long_session, long_issued = open_session_with_tickets(county=tree.county_b, operator=staff.operator_b, approver=approver_b,
                                                          start=now - timedelta(minutes=5), end=now + timedelta(days=14))
    client = Client()
    client.post(reverse("exam:entry"), {"ticket_number": long_issued[0].ticket.number, "access_code": long_issued[0].access_code})
    assert client.session.get_expiry_age() <= 8 * 3600
