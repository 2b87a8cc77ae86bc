"""Re-exams after a round closes (issue 13; Order No. 75 Art. 15 ¶3): only those who failed or
were absent are admitted, each with a fresh paper; the result settles the unit's order and leaves
the round's statistics alone. Time passes by moving the clock (time-machine), never by editing rows."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.models import Attempt, PlanStatus, QuestionVersion, Ticket
from assessment.services import attempts as attempt_service
from assessment.services import resits, sampling
from assessment import selectors
from assessment.selectors import round_results
from assessment.services.results import rectification_orders_issue
from supervision.models import RectificationOrder
from tests.factories import open_session_with_tickets


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def _sit(ticket: Ticket, *, correct: bool, now=None):
    attempt = attempt_service.attempt_start(ticket_id=ticket.pk, now=now)
    answers = {}
    for position, item in enumerate(attempt.paper):
        right = attempt_service.to_shown_letters(item, QuestionVersion.objects.get(pk=item["v"]).answer)
        answers[position] = right if correct else ("B" if right != "B" else "A")
    return attempt_service.attempt_submit(attempt=attempt, answers=answers, now=now)


@pytest.fixture
def closed_round(staff, tree):
    """A round of 3 units: one unit's director passes and its officer fails; the others never sit.
    The clock then moves past the session's end, the round closes and orders are issued."""
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)
    by_unit = {}
    for item in issued:
        by_unit.setdefault(item.ticket.person.unit_id, []).append(item.ticket)
    # The generated register depends on the county's pk (which differs between databases): when no
    # drawn unit has two people, the one who passes is taken from another unit.
    several = [(u, t) for u, t in by_unit.items() if len(t) >= 2]
    if several:
        mixed_unit, mixed = several[0]
    else:
        (_first_unit, first), (mixed_unit, other) = list(by_unit.items())[:2]
        mixed = [first[0], *other]
    _sit(mixed[0], correct=True)
    for ticket in mixed[1:]:
        _sit(ticket, correct=False)
    traveller = time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True)
    traveller.start()
    plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
    orders = rectification_orders_issue(actor=staff.operator_a, plan=plan)
    yield {"plan": plan, "session": session, "issued": issued, "mixed_unit": mixed_unit, "mixed": mixed, "orders": orders}
    traveller.stop()


def _resit_form(start, hours=2):
    local = timezone.localtime(start)
    return {"name": "补考场", "mode": "online", "venue": "", "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")}


def test_only_those_who_failed_or_were_absent_are_admitted(closed_round, staff, client_for):
    plan, mixed = closed_round["plan"], closed_round["mixed"]
    candidates = {p.pk for p in selectors.resit_candidates(plan=plan)}
    everyone = {i.ticket.person_id for i in closed_round["issued"]}
    assert mixed[0].person_id not in candidates  # passed: not admitted
    assert candidates == everyone - {mixed[0].person_id}
    operator = client_for(staff.operator_a)
    page = operator.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assert 'id="resits"' in page and reverse("plans:resit_create", args=[plan.pk]) in page
    response = operator.post(reverse("plans:resit_create", args=[plan.pk]), _resit_form(timezone.now() - timedelta(minutes=1)))
    assert response.status_code == 302
    session = plan.sessions.get(is_resit=True)
    issued = operator.post(reverse("plans:session_tickets", args=[plan.pk, session.pk]))
    assert "/notices/" in issued["Location"]
    notices = operator.get(issued["Location"]).content.decode()
    assert "补考" in notices and "不收取" in notices
    assert set(session.tickets.values_list("person_id", flat=True)) == candidates
    # issuing again adds no one
    operator.post(reverse("plans:session_tickets", args=[plan.pk, session.pk]))
    assert session.tickets.count() == len(candidates)


def test_the_re_sit_is_a_fresh_paper_and_its_pass_settles_the_order(closed_round, staff):
    plan, mixed_unit, mixed = closed_round["plan"], closed_round["mixed_unit"], closed_round["mixed"]
    before = round_results(plan=plan)
    session = resits.resit_session_create(actor=staff.operator_a, plan=plan, name="补考", mode="online", venue="",
                                          starts_at=timezone.now() - timedelta(minutes=1), ends_at=timezone.now() + timedelta(hours=2))
    issued = {i.ticket.person_id: i for i in resits.resit_tickets_issue(actor=staff.operator_a, session=session)}
    failed = mixed[1]
    first_paper = {item["q"] for item in Attempt.objects.get(ticket=failed).paper}
    resit_ticket = Ticket.objects.get(pk=issued[failed.person_id].ticket.pk)
    again = {item["q"] for item in resit_ticket.paper}
    assert len(again & first_paper) < len(first_paper)  # not the paper they saw
    # the candidate logs in with the new notice's code and passes
    client = Client()
    response = client.post(reverse("exam:entry"), {"ticket_number": resit_ticket.number, "access_code": issued[failed.person_id].access_code})
    assert response.status_code == 302
    order = RectificationOrder.objects.get(unit_id=mixed_unit)
    assert order.requires_resit and not order.resit_passed
    for ticket in mixed[2:]:
        _sit(Ticket.objects.get(pk=issued[ticket.person_id].ticket.pk), correct=True)
    _sit(resit_ticket, correct=True)
    order.refresh_from_db()
    assert order.resit_passed  # through supervision's service
    # the round's statistics are the first sittings': unchanged
    after = round_results(plan=plan)
    assert [(u.unit_id, u.passed) for u in after.units] == [(u.unit_id, u.passed) for u in before.units]
    # the person who passed is no longer a candidate; the others still are
    assert failed.person_id not in {p.pk for p in selectors.resit_candidates(plan=plan)}


def test_several_re_exams_until_passed_each_kept(closed_round, staff):
    plan, failed = closed_round["plan"], closed_round["mixed"][1]
    now = timezone.now()
    first = resits.resit_session_create(actor=staff.operator_a, plan=plan, name="第一次补考", mode="online", venue="",
                                        starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1))
    tickets = {i.ticket.person_id: i.ticket for i in resits.resit_tickets_issue(actor=staff.operator_a, session=first)}
    _sit(tickets[failed.person_id], correct=False)
    with time_machine.travel(first.ends_at + timedelta(minutes=1), tick=True):
        second = resits.resit_session_create(actor=staff.operator_a, plan=plan, name="第二次补考", mode="online", venue="",
                                             starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1))
        again = {i.ticket.person_id: i.ticket for i in resits.resit_tickets_issue(actor=staff.operator_a, session=second)}
        assert failed.person_id in again
        seen = {item["q"] for a in Attempt.objects.filter(ticket__person_id=failed.person_id) for item in a.paper}
        assert {item["q"] for item in Ticket.objects.get(pk=again[failed.person_id].pk).paper} != seen
        _sit(again[failed.person_id], correct=True)
    assert Attempt.objects.filter(ticket__person_id=failed.person_id).count() == 3  # every sitting kept


def test_re_exams_are_refused_where_they_do_not_belong(closed_round, staff, tree, client_for):
    plan = closed_round["plan"]
    now = timezone.now()
    with pytest.raises(ValidationError):  # ended before it starts
        resits.resit_session_create(actor=staff.operator_a, plan=plan, name="x", mode="online", venue="",
                                    starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1))
    # another county's operator cannot reach the plan
    response = client_for(staff.operator_b).post(reverse("plans:resit_create", args=[plan.pk]), _resit_form(now))
    assert response.status_code == 404
    client_for(staff.overseer).post(reverse("plans:resit_create", args=[plan.pk]), _resit_form(now))
    assert not plan.sessions.filter(is_resit=True).exists()
    # an ordinary session cannot be added to a closed round, nor a re-exam to an open one
    client_for(staff.operator_a).post(reverse("plans:session_create", args=[plan.pk]), _resit_form(now))
    assert plan.sessions.count() == 1


def test_a_re_exam_needs_a_closed_round(staff, tree):
    session, _issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3)
    assert session.plan.status == PlanStatus.DRAWN
    with pytest.raises(ValidationError):
        resits.resit_session_create(actor=staff.operator_a, plan=session.plan, name="补考", mode="online", venue="",
                                    starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1))


def test_a_director_who_has_not_passed_is_a_finding_until_the_re_exam_is_passed(closed_round, staff):
    """Order 75 Art. 15 ¶1: 未通过考核的人员不得担任相应岗位 - shown on the unit as a finding."""
    from supervision.models import Person, ProductionUnit
    from supervision.selectors import filter_by_finding, units_with_findings

    plan, mixed_unit, mixed = closed_round["plan"], closed_round["mixed_unit"], closed_round["mixed"]
    flagged = set(filter_by_finding(units_with_findings(ProductionUnit.objects.all()), "unpassed_in_post").values_list("pk", flat=True))
    assert mixed_unit in flagged
    assert Person.objects.get(pk=mixed[0].person_id).assessment_unpassed_since is None  # passed
    failed = Person.objects.get(pk=mixed[1].person_id)
    assert failed.assessment_unpassed_since is not None and failed.assessment_unpassed_label == plan.title
    session = resits.resit_session_create(actor=staff.operator_a, plan=plan, name="补考", mode="online", venue="",
                                          starts_at=timezone.now() - timedelta(minutes=1), ends_at=timezone.now() + timedelta(hours=2))
    issued = {i.ticket.person_id: i.ticket for i in resits.resit_tickets_issue(actor=staff.operator_a, session=session)}
    for ticket in mixed[1:]:
        _sit(Ticket.objects.get(pk=issued[ticket.person_id].pk), correct=True)
    assert Person.objects.get(pk=failed.pk).assessment_unpassed_since is None
    flagged = set(filter_by_finding(units_with_findings(ProductionUnit.objects.all()), "unpassed_in_post").values_list("pk", flat=True))
    assert mixed_unit not in flagged


def test_the_order_page_leads_to_the_re_exam(closed_round, staff, client_for):
    order = RectificationOrder.objects.get(unit_id=closed_round["mixed_unit"])
    page = client_for(staff.operator_a).get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert reverse("plans:inspect", args=[closed_round["plan"].pk]) + "#resits" in page


def test_the_dashboard_counts_units_with_unpassed_staff_in_post(closed_round, staff, client_for):
    page = client_for(staff.operator_a).get(reverse("wagtailadmin_home")).content.decode()
    assert "?finding=unpassed_in_post" in page
    listing = client_for(staff.operator_a).get(reverse("units:index") + "?finding=unpassed_in_post").content.decode()
    from supervision.models import ProductionUnit

    assert ProductionUnit.objects.get(pk=closed_round["mixed_unit"]).name in listing
