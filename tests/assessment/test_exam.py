"""The exam (issue 6): decided on the server, resumable, never leaking answers."""

import json
from datetime import timedelta
from functools import partial

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment.models import Attempt, AttemptAnswer, AttemptStatus, QuestionVersion, Ticket
from assessment.services import attempts as service
from assessment.services.sessions import LoginRefused, ticket_login
from config.client_address import client_address
from tests.factories import open_session_with_tickets


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def exam(staff, tree):
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)
    return session, issued


@pytest.fixture
def attempt(exam):
    """The first candidate's attempt, started through the service (no login)."""
    _session, issued = exam
    return service.attempt_start(ticket=Ticket.objects.get(pk=issued[0].ticket.pk))


def login(issued_ticket) -> Client:
    client = Client()
    response = client.post(reverse("exam:entry"), {"ticket_number": issued_ticket.ticket.number, "access_code": issued_ticket.access_code})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def correct_shown(attempt, position):
    item = attempt.paper[position]
    version = QuestionVersion.objects.get(pk=item["v"])
    return service.to_shown_letters(item, version.answer)


def test_papers_are_assembled_when_tickets_are_issued(exam):
    _session, issued = exam
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    assert len(ticket.paper) == 30


def test_login_overview_start_answer_submit_and_score(exam):
    _session, issued = exam
    client = login(issued[0])
    page = client.get(reverse("exam:overview")).content.decode()
    assert "开始" in page and "*" in page  # the name is masked
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    for position in range(len(attempt.paper)):
        response = client.post(reverse("exam:save"), {"position": position, "answer": correct_shown(attempt, position)})
        assert response.json()["saved"] is True
    response = client.post(reverse("exam:attempt"), {"action": "submit"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == attempt.max_score == 100 and attempt.passed
    page = client.get(reverse("exam:result")).content.decode()
    assert "100" in page and "合格" in page


def test_double_start_returns_one_attempt(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    client.post(reverse("exam:start"))
    other_device = login(issued[0])
    other_device.post(reverse("exam:start"))
    assert Attempt.objects.count() == 1


def test_resume_after_reload_and_on_another_device(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    for position in range(5):
        client.post(reverse("exam:save"), {"position": position, "answer": "A"})
    laptop = login(issued[0])
    assert laptop.get(reverse("exam:overview")).status_code == 302  # straight back into the attempt
    page = laptop.get(reverse("exam:attempt")).content.decode()
    assert page.count(" checked") == 5
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 5


def test_correct_answers_never_reach_the_browser_before_submit(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    versions = QuestionVersion.objects.in_bulk([i["v"] for i in attempt.paper])
    responses = [
        client.get(reverse("exam:overview"), follow=True),
        client.get(reverse("exam:attempt")),
        client.post(reverse("exam:save"), {"position": 0, "answer": "A"}),
        client.get(reverse("exam:status")),
    ]
    bodies = "".join(r.content.decode() for r in responses)
    for version in versions.values():
        if version.explanation:
            assert version.explanation not in bodies
    assert "correct" not in bodies.lower() and "answer" not in [k for r in responses[2:] for k in r.json()]


def test_a_save_after_deadline_plus_grace_is_refused_and_changes_nothing(attempt):
    limit = attempt.deadline + timedelta(seconds=service.GRACE_SECONDS)
    service.attempt_save_answers(attempt=attempt, answers={0: "A"}, now=limit)  # the last moment counts
    with pytest.raises(service.AttemptClosed):
        service.attempt_save_answers(attempt=attempt, answers={0: "B", 1: "A"}, now=limit + timedelta(seconds=1))
    assert dict(attempt.answers.values_list("position", "letters")) == {0: service.to_original_letters(attempt.paper[0], "A")}


def test_the_save_endpoint_refuses_late_answers(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    with time_machine.travel(attempt.deadline + timedelta(seconds=service.GRACE_SECONDS + 1)):  # the clock, not the row
        response = client.post(reverse("exam:save"), {"position": 0, "answer": "A"})
    assert response.status_code == 409 and response.json()["closed"]
    assert not AttemptAnswer.objects.exists()


def test_abandoned_attempts_are_submitted_at_the_deadline(attempt):
    service.attempt_save_answers(attempt=attempt, answers={0: "A"})
    later = attempt.deadline + timedelta(minutes=5)
    assert service.attempts_finalize_expired(now=later) == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.submitted_at == attempt.deadline
    assert attempt.finished_by == "deadline" and attempt.score is not None
    entry = ModelLogEntry.objects.get(action="assessment.attempts_finalize")  # automatic, logged by the system actor
    assert entry.user.username == "system" and entry.data["tickets"] == [attempt.ticket.number]
    assert (entry.data["from"], entry.data["to"]) == (AttemptStatus.IN_PROGRESS, AttemptStatus.SUBMITTED)
    assert service.attempts_finalize_expired(now=later) == 0
    assert ModelLogEntry.objects.filter(action="assessment.attempts_finalize").count() == 1  # nothing to log twice


def test_deadline_is_capped_at_the_session_end(staff, tree):
    now = timezone.now()
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                start=now - timedelta(hours=1), end=now + timedelta(minutes=10))
    attempt = service.attempt_start(ticket=Ticket.objects.get(pk=issued[0].ticket.pk), now=now)
    assert attempt.deadline == session.ends_at


def test_start_only_inside_the_window(staff, tree):
    now = timezone.now()
    _session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                 start=now + timedelta(hours=1), end=now + timedelta(hours=3))
    client = login(issued[0])
    page = client.get(reverse("exam:overview")).content.decode()
    assert "disabled" in page and "尚未开始" in page
    client.post(reverse("exam:start"))
    assert not Attempt.objects.exists()


def test_a_ticket_cannot_read_or_write_another_tickets_attempt(exam):
    _session, issued = exam
    first, second = issued[0], issued[1]
    a = login(first)
    a.post(reverse("exam:start"))
    b = login(second)
    # b has not started: it has no attempt of its own, and cannot reach a's.
    assert b.post(reverse("exam:save"), {"position": 0, "answer": "A"}).status_code == 409
    assert b.get(reverse("exam:status")).status_code == 404
    assert not AttemptAnswer.objects.exists()


def _try(client, ticket_number, code, **meta):
    return client.post(reverse("exam:entry"), {"ticket_number": ticket_number, "access_code": code}, **meta)


def test_the_fifth_wrong_code_locks_that_ticket_only(exam):
    """Per ticket, not per address: one candidate's typos never lock the room behind one router."""
    _session, issued = exam
    room = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(4):
        assert _try(room, issued[0].ticket.number, "WRONG234").status_code == 400
    # the fourth wrong code still leaves the ticket open: the right code logs in and resets the count
    assert _try(room, issued[0].ticket.number, issued[0].access_code).status_code == 302
    assert Ticket.objects.get(pk=issued[0].ticket.pk).failed_logins == 0
    room = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(5):
        assert _try(room, issued[0].ticket.number, "WRONG234").status_code == 400
    response = _try(room, issued[0].ticket.number, issued[0].access_code)
    assert response.status_code == 400 and "已锁定" in response.content.decode()
    # the next candidate, same address, logs in
    assert _try(Client(REMOTE_ADDR="192.0.2.10"), issued[1].ticket.number, issued[1].access_code).status_code == 302


def test_a_successful_login_writes_only_the_session(exam, settings):
    """The start-time spike: a right code on a ticket without failures reads the address throttle
    and the ticket and writes nothing but the session (no UPDATE of Ticket.failed_logins, no
    LoginThrottle row), even with the whole room behind one forwarded address; after a wrong code
    the right one resets the ticket's count with one UPDATE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import LoginThrottle

    _session, issued = exam
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    room = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}

    def writes(queries):
        return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
                and "django_session" not in q["sql"]]

    with CaptureQueriesContext(connection) as queries:
        assert _try(Client(), issued[0].ticket.number, issued[0].access_code, **room).status_code == 302
    assert writes(queries.captured_queries) == []
    assert not LoginThrottle.objects.exists()
    assert _try(Client(), issued[1].ticket.number, "WRONG234", **room).status_code == 400
    assert dict(LoginThrottle.objects.values_list("address", "failures")) == {"203.0.113.7": 1}
    with CaptureQueriesContext(connection) as queries:
        assert _try(Client(), issued[1].ticket.number, issued[1].access_code, **room).status_code == 302
    written = writes(queries.captured_queries)
    assert len(written) == 1 and '"assessment_ticket"' in written[0] and "failed_logins" in written[0]
    assert Ticket.objects.get(pk=issued[1].ticket.pk).failed_logins == 0


def test_a_lock_runs_out_after_the_lock_time(exam, settings):
    _session, issued = exam
    ticket = issued[0].ticket
    now = timezone.now()
    for _ in range(settings.EXAM_LOGIN_TICKET_FAILURES):
        with pytest.raises(LoginRefused):
            ticket_login(number=ticket.number, code="WRONG234", address="192.0.2.1", now=now)
    with pytest.raises(LoginRefused):
        ticket_login(number=ticket.number, code=issued[0].access_code, address="192.0.2.1",
                     now=now + timedelta(seconds=settings.EXAM_LOGIN_LOCK_SECONDS - 1))
    assert ticket_login(number=ticket.number, code=issued[0].access_code, address="192.0.2.1",
                        now=now + timedelta(seconds=settings.EXAM_LOGIN_LOCK_SECONDS)) == ticket


def test_an_address_trying_many_tickets_is_refused_at_its_limit(exam, settings):
    _session, issued = exam
    settings.EXAM_LOGIN_ADDRESS_FAILURES = 3
    script = Client(REMOTE_ADDR="198.51.100.7")
    for guess in ("26000100901", "26000100902", "26000100903"):
        assert _try(script, guess, "WRONG234").status_code == 400
    response = _try(script, issued[0].ticket.number, issued[0].access_code)
    assert response.status_code == 400 and "网络" in response.content.decode()
    assert not Ticket.objects.get(pk=issued[0].ticket.pk).failed_logins  # the refused address never reached the ticket
    assert _try(Client(REMOTE_ADDR="198.51.100.8"), issued[0].ticket.number, issued[0].access_code).status_code == 302


def test_the_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy(exam, settings):
    _session, issued = exam
    settings.EXAM_LOGIN_ADDRESS_FAILURES = 2
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        _try(Client(**proxy), "26000100999", "WRONG234", HTTP_X_FORWARDED_FOR="203.0.113.5")
    # the script's own address is refused; a candidate behind the same proxy is not
    assert _try(Client(**proxy), issued[0].ticket.number, issued[0].access_code, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 400
    assert _try(Client(**proxy), issued[0].ticket.number, issued[0].access_code, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    # an untrusted sender's X-Forwarded-For is ignored: changing it does not give a fresh allowance
    stranger = {"REMOTE_ADDR": "198.51.100.9"}
    for forged in ("203.0.113.20", "203.0.113.21"):
        _try(Client(**stranger), "26000100999", "WRONG234", HTTP_X_FORWARDED_FOR=forged)
    assert _try(Client(**stranger), issued[1].ticket.number, issued[1].access_code, HTTP_X_FORWARDED_FOR="203.0.113.22").status_code == 400


def test_client_address_reads_the_chain_from_the_right(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.0.1.0/24"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.1.5")
    assert client_address(request) == "203.0.113.9"  # the left-most hop was written by the client
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")) == "10.0.0.1"
    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "192.0.2.1"
    settings.TRUSTED_PROXIES = []
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.1"


def test_the_board_unlocks_a_ticket_and_logs_who_did(exam, staff, client_for):
    from wagtail.models import ModelLogEntry

    session, issued = exam
    ticket = issued[0].ticket
    for _ in range(5):
        _try(Client(), ticket.number, "WRONG234")
    board = reverse("plans:session_board", args=[session.plan_id, session.pk])
    assert "解锁" in client_for(staff.operator_a).get(board).content.decode()
    unlock = reverse("plans:ticket_action", args=[session.plan_id, ticket.pk, "unlock"])
    assert client_for(staff.operator_b).post(unlock).status_code == 404  # another county's ticket
    client_for(staff.overseer).post(unlock)  # overseers read; they do not unlock
    assert Ticket.objects.get(pk=ticket.pk).locked_until is not None
    assert client_for(staff.operator_a).post(unlock).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).locked_until is None
    entry = ModelLogEntry.objects.get(action="assessment.ticket_unlock")
    assert entry.user == staff.operator_a and entry.data["old"]["failed_logins"] == 5 and entry.data["ticket"] == ticket.number
    assert _try(Client(), ticket.number, issued[0].access_code).status_code == 302


def test_bad_answers_are_refused(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    single = next(i for i, item in enumerate(attempt.paper) if item["t"] == "single")
    assert client.post(reverse("exam:save"), {"position": single, "answer": "AB"}).status_code == 400
    assert client.post(reverse("exam:save"), {"position": 999, "answer": "A"}).status_code == 400
    assert client.post(reverse("exam:save"), {"position": "x", "answer": "A"}).status_code == 400
    assert client.post(reverse("exam:save"), {"position": single, "answer": "Z"}).status_code == 400
    assert not AttemptAnswer.objects.exists()


def test_the_save_endpoint_costs_one_statement_whatever_the_paper(exam, django_assert_num_queries):
    """With the save pass given at start: one guarded upsert, for the first answer, the last and a
    change; without it (a browser that dropped the cookie), session, attempt, upsert."""
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    assert service.SAVE_PASS_COOKIE in client.cookies
    with django_assert_num_queries(1):
        client.post(reverse("exam:save"), {"position": 0, "answer": "A"})
    with django_assert_num_queries(1):
        client.post(reverse("exam:save"), {"position": 29, "answer": "A"})
    for position in range(1, 20):
        client.post(reverse("exam:save"), {"position": position, "answer": "A"})
    with django_assert_num_queries(1):
        assert client.post(reverse("exam:save"), {"position": 5, "answer": "B"}).json()["saved"] is True
    del client.cookies[service.SAVE_PASS_COOKIE]
    with django_assert_num_queries(3):
        assert client.post(reverse("exam:save"), {"position": 6, "answer": "B"}).json()["saved"] is True
    attempt = Attempt.objects.get()
    saved = dict(attempt.answers.values_list("position", "letters"))
    assert len(saved) == 21 and saved[5] == service.to_original_letters(attempt.paper[5], "B")
    assert saved[29] == service.to_original_letters(attempt.paper[29], "A")


def test_the_start_endpoint_costs_three_queries(exam, django_assert_num_queries):
    """Session, one read of ticket, session window and blueprint, one insert copying the paper."""
    _session, issued = exam
    client = login(issued[0])
    with django_assert_num_queries(3):
        assert client.post(reverse("exam:start"))["Location"] == reverse("exam:attempt")
    attempt = Attempt.objects.get()
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    assert attempt.paper == ticket.paper and attempt.blueprint_id == ticket.blueprint_id
    assert attempt.deadline == attempt.started_at + timedelta(minutes=attempt.blueprint.time_limit_minutes)


def test_the_one_statement_save_refuses_after_deadline_plus_grace(exam):
    _session, issued = exam
    attempt = service.attempt_start(ticket_id=issued[0].ticket.pk)
    limit = attempt.deadline + timedelta(seconds=service.GRACE_SECONDS)
    store = partial(service.attempt_answer_store, attempt_id=attempt.pk, pass_key=attempt.save_pass_key)
    assert store(position=0, letters="A", now=limit) == attempt.deadline  # the last moment counts
    assert store(position=0, letters="B", now=limit + timedelta(seconds=1)) is None
    assert store(position=1, letters="B", now=limit + timedelta(seconds=1)) is None
    assert service.attempt_answer_store(attempt_id=attempt.pk, pass_key="revoked", position=1, letters="B", now=limit) is None
    assert dict(attempt.answers.values_list("position", "letters")) == {0: "A"}
    service.attempt_submit(attempt=attempt, now=attempt.deadline)
    assert store(position=2, letters="A", now=attempt.started_at) is None
    assert attempt.answers.count() == 1


def test_a_save_pass_works_only_with_the_session_it_was_given_to(exam):
    _session, issued = exam
    a, b = login(issued[0]), login(issued[1])
    a.post(reverse("exam:start"))
    b.post(reverse("exam:start"))
    attempt_a, attempt_b = (Attempt.objects.get(ticket_id=i.ticket.pk) for i in issued[:2])
    # b presents a's pass: it is not signed for b's session, so b's answer goes to b's own attempt
    b.cookies[service.SAVE_PASS_COOKIE] = a.cookies[service.SAVE_PASS_COOKIE].value
    assert b.post(reverse("exam:save"), {"position": 0, "answer": "A"}).json()["saved"] is True
    assert not attempt_a.answers.exists() and attempt_b.answers.count() == 1
    # a tampered pass (another attempt's id under a's signature) is no pass at all
    pass_id, key, shape, signature = a.cookies[service.SAVE_PASS_COOKIE].value.split(".")
    a.cookies[service.SAVE_PASS_COOKIE] = f"{attempt_b.pk}.{key}.{shape}.{signature}"
    assert a.post(reverse("exam:save"), {"position": 1, "answer": "A"}).json()["saved"] is True
    assert attempt_b.answers.count() == 1 and attempt_a.answers.count() == 1
    # after logging out, neither the pass nor the session saves anything
    kept = {name: morsel.value for name, morsel in a.cookies.items()}
    kept[service.SAVE_PASS_COOKIE] = f"{pass_id}.{key}.{shape}.{signature}"
    a.post(reverse("exam:logout"))
    stale = Client()
    for name, value in kept.items():
        stale.cookies[name] = value
    assert stale.post(reverse("exam:save"), {"position": 2, "answer": "A"}).status_code == 403
    assert attempt_a.answers.count() == 1


def test_an_answer_from_an_earlier_sittings_page_is_refused(staff, exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    first = Attempt.objects.get()
    old_pass = client.cookies[service.SAVE_PASS_COOKIE].value
    service.attempt_submit(attempt=first)
    service.ticket_grant_resit(actor=staff.operator_a, ticket=Ticket.objects.get(pk=issued[0].ticket.pk), reason="网络故障")
    client.post(reverse("exam:start"))
    second = Attempt.objects.get(sequence=2)
    client.cookies[service.SAVE_PASS_COOKIE] = old_pass
    response = client.post(reverse("exam:save"), {"attempt": first.pk, "position": 0, "answer": "A"})
    assert response.status_code == 409 and response.json()["closed"]
    assert not second.answers.exists()


def test_grading_multiple_choice_all_or_nothing_and_partial(attempt):
    multi = next(i for i, item in enumerate(attempt.paper) if item["t"] == "multi")
    version = QuestionVersion.objects.get(pk=attempt.paper[multi]["v"])
    partial = version.answer[0]
    service.attempt_save_answers(attempt=attempt, answers={multi: service.to_shown_letters(attempt.paper[multi], partial)})
    assert service.attempt_grade(attempt).score == 0
    attempt.blueprint.multi_scoring = "partial"
    attempt.blueprint.save()
    attempt.refresh_from_db()
    assert service.attempt_grade(attempt).score == attempt.blueprint.points_multi / 2


def test_pass_mark_boundary(attempt):
    """Pass when score ≥ pass mark × full marks: exactly at the mark passes, one question less fails."""
    singles = [p for p, item in enumerate(attempt.paper) if item["t"] in ("single", "judge")]
    answers = {p: correct_shown(attempt, p) for p in range(len(attempt.paper))}
    for p in singles[:3]:  # three 3-point questions wrong: 91 of 100
        answers[p] = "B" if answers[p] != "B" else "A"
    service.attempt_save_answers(attempt=attempt, answers=answers)
    blueprint = attempt.blueprint
    blueprint.pass_mark_percent = 91
    blueprint.save()
    attempt.refresh_from_db()
    grade = service.attempt_grade(attempt)
    assert grade.score == 91 and grade.passed
    p = singles[3]
    service.attempt_save_answers(attempt=attempt, answers={p: "B" if answers[p] != "B" else "A"})
    grade = service.attempt_grade(attempt)
    assert grade.score == 88 and not grade.passed


def test_absent_candidates_are_marked_when_the_session_closes(exam):
    session, issued = exam
    started = Ticket.objects.get(pk=issued[0].ticket.pk)
    service.attempt_start(ticket=started)
    assert service.sessions_mark_absent(now=session.ends_at + timedelta(minutes=1)) == len(issued) - 1
    started.refresh_from_db()
    assert started.absent_marked_at is None
    entry = ModelLogEntry.objects.get(action="assessment.mark_absent")
    assert entry.user.username == "system" and entry.data["automatic"] is True
    assert sorted(entry.data["tickets"]) == sorted(i.ticket.number for i in issued[1:])
    assert service.sessions_mark_absent(now=session.ends_at + timedelta(minutes=2)) == 0
    assert ModelLogEntry.objects.filter(action="assessment.mark_absent").count() == 1


def test_resit_prefers_unseen_questions(staff, exam):
    _session, issued = exam
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    first = service.attempt_start(ticket=ticket)
    service.attempt_submit(attempt=first)
    assert service.attempt_start(ticket=ticket) == Attempt.objects.get(pk=first.pk)  # no second sitting yet
    service.ticket_grant_resit(actor=staff.operator_a, ticket=ticket, reason="首次考核网络故障")
    ticket.refresh_from_db()
    second = service.attempt_start(ticket=ticket)
    assert second.sequence == 2
    seen = {item["q"] for item in first.paper}
    assert len(seen & {item["q"] for item in second.paper}) < len(seen) // 2


def test_session_board_and_examiner_actions(staff, exam, client_for):
    session, issued = exam
    plan = session.plan
    console = client_for(staff.operator_a)
    candidate = login(issued[0])
    candidate.post(reverse("exam:start"))
    page = console.get(reverse("plans:session_board", args=[plan.pk, session.pk]) + "?fragment=1").content.decode()
    assert "作答中" in page and "未开始" in page
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    deadline = Attempt.objects.get().deadline
    console.post(reverse("plans:ticket_action", args=[plan.pk, ticket.pk, "extend"]), {"minutes": "10", "reason": "手机没电"})
    assert Attempt.objects.get().deadline == deadline + timedelta(minutes=10)
    console.post(reverse("plans:ticket_action", args=[plan.pk, ticket.pk, "extend"]), {"minutes": "10", "reason": ""})
    assert Attempt.objects.get().deadline == deadline + timedelta(minutes=10)  # no reason, no change
    other = Ticket.objects.get(pk=issued[1].ticket.pk)
    console.post(reverse("plans:ticket_action", args=[plan.pk, other.pk, "start"]))
    assert Attempt.objects.filter(ticket=other, started_by_examiner=True).exists()
    third = Ticket.objects.get(pk=issued[2].ticket.pk)
    console.post(reverse("plans:ticket_action", args=[plan.pk, third.pk, "absent"]), {"reason": "未到场"})
    third.refresh_from_db()
    assert third.absent_marked_at is not None
    overseer = client_for(staff.overseer)
    overseer.post(reverse("plans:ticket_action", args=[plan.pk, ticket.pk, "extend"]), {"minutes": "30", "reason": "x"})
    assert Attempt.objects.get(ticket=ticket).deadline == deadline + timedelta(minutes=10)


def test_housekeeping_command(exam, capsys):
    from django.core.management import call_command

    call_command("exam_housekeeping")
    assert "0" in capsys.readouterr().out


def test_logging_in_over_a_planted_session_gives_a_new_session_key(exam):
    """Session fixation: a session that came with the request is replaced at login; a browser
    without one gets its first session then."""
    from importlib import import_module

    from django.conf import settings

    _session, issued = exam
    planted = import_module(settings.SESSION_ENGINE).SessionStore()
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    client.post(reverse("exam:entry"), {"ticket_number": issued[0].ticket.number, "access_code": issued[0].access_code})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    assert not planted.exists(planted.session_key)
    assert client.get(reverse("exam:overview")).status_code == 200
    fresh = login(issued[1])
    assert fresh.get(reverse("exam:overview")).status_code == 200


def test_answers_handed_in_with_the_paper_count_unless_late(exam):
    _session, issued = exam
    client = login(issued[0])
    client.post(reverse("exam:start"))
    attempt = Attempt.objects.get()
    form = {"action": "submit", "q0": list(correct_shown(attempt, 0)), "q1": list(correct_shown(attempt, 1))}
    assert client.post(reverse("exam:attempt"), form)["Location"] == reverse("exam:result")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.answers.count() == 2
    assert attempt.score == sum(attempt.blueprint.points_for(item["t"]) for item in attempt.paper[:2])

    late = login(issued[1])
    late.post(reverse("exam:start"))
    other = Attempt.objects.get(ticket_id=issued[1].ticket.pk)
    with time_machine.travel(other.deadline + timedelta(seconds=service.GRACE_SECONDS + 1)):
        late.post(reverse("exam:attempt"), {"action": "submit", "q0": list(correct_shown(other, 0))})
    other.refresh_from_db()
    assert other.status == AttemptStatus.SUBMITTED and other.submitted_at == other.deadline
    assert not other.answers.exists() and other.score == 0


def test_the_overview_shows_the_session_window_as_enforced(staff, tree):
    """A session of two weeks shows both dates; a session within one day shows the end's time only."""
    from assessment.templatetags.exam_time import window_text

    start = timezone.make_aware(timezone.datetime(2026, 12, 2, 11, 20))
    assert window_text(start, start + timedelta(days=14, hours=1)) == "2026-12-02 11:20 – 2026-12-16 12:20"
    assert window_text(start, start + timedelta(hours=1)) == "2026-12-02 11:20 – 12:20"
    assert window_text(start, start + timedelta(days=1), "long") == "2026年12月2日 11:20至2026年12月3日 11:20"
    # midnight in Asia/Shanghai is another day, though it is the same UTC date
    late = timezone.make_aware(timezone.datetime(2026, 12, 2, 23, 30))
    assert window_text(late, late + timedelta(hours=1)) == "2026-12-02 23:30 – 2026-12-03 00:30"
    now = timezone.now()
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                start=now - timedelta(minutes=5), end=now + timedelta(days=14))
    page = login(issued[0]).get(reverse("exam:overview")).content.decode()
    assert window_text(session.starts_at, session.ends_at) in page
    assert timezone.localtime(session.ends_at).strftime("%Y-%m-%d") in page


def test_the_exam_scripts_messages_come_from_the_javascript_catalogue(client):
    """static/js/exam.js has no Chinese of its own: its messages are served by /jsi18n/ in Chinese."""
    from django.urls import reverse

    response = client.get(reverse("javascript-catalog"))
    body = response.content.decode()  # the catalogue is JSON with \u-escaped Chinese
    assert response.status_code == 200 and f'"Saved": {json.dumps("已保存")}' in body and json.dumps("网络中断，答案已暂存")[1:-1] in body
    assert "max-age=86400" in response["Cache-Control"]
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static/js/exam.js").read_text()
    assert not any("\u4e00" <= char <= "\u9fff" for char in script)
