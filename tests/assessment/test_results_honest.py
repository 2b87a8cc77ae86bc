"""Issue 12: results are honest about what is not decided. 未考 (pending) is never 不合格; 缺考 is
shown apart and counts as not passed only by the plan's setting; revoked tickets and withdrawn
selections count nowhere, the replacement does. Assertions are on data and markup, not on new
strings (they are not translated yet)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import selectors
from assessment.models import SamplingPlan, Ticket
from assessment.services import attempts as attempt_service
from assessment.services import results
from assessment.services import sampling
from tests.factories import import_people, import_units, make_staff, open_session_with_tickets, sit

SEED = "98765432109876543210123"


def by_unit(issued) -> dict[int, list[Ticket]]:
    units: dict[int, list[Ticket]] = {}
    for item in issued:
        ticket = Ticket.objects.select_related("person").get(pk=item.ticket.pk)
        units.setdefault(ticket.person.unit_id, []).append(ticket)
    return units


_travellers = []


@pytest.fixture(autouse=True)
def _clock_back():
    yield
    while _travellers:
        _travellers.pop().stop()


def end_session(session) -> None:
    """Time passes by moving the clock past the session's end, never by editing its rows."""
    traveller = time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True)
    traveller.start()
    _travellers.append(traveller)


@pytest.fixture
def round_open(staff, tree):
    return open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=8)


def test_a_drawn_round_with_no_attempts_is_all_pending_and_has_no_rates(staff, round_open, client_for):
    session, issued = round_open
    outcome = selectors.round_results(plan=session.plan)
    assert not outcome.has_results and not outcome.has_rates
    assert {p.outcome for p in outcome.people} == {"pending"} and len(outcome.people) == len(issued)
    assert {u.outcome for u in outcome.units} == {"pending"} and not any(u.passed for u in outcome.units)
    assert outcome.unit_counts == {"passed": 0, "failed": 0, "absent": 0, "pending": len(outcome.units)}
    # No 0/8 and no 0 % per group: nothing is decided, so there is nothing to rate.
    assert outcome.overall_units.total == outcome.overall_people.total == 0
    assert outcome.by_county == outcome.by_category == outcome.by_size == outcome.by_role == []
    assert outcome.county_test == ""
    page = client_for(staff.operator_a).get(reverse("plans:results", args=[session.plan.pk])).content.decode()
    assert 'class="zl-no-results"' in page
    assert 'data-chart="chart-county"' not in page and "zl-rates" not in page


def test_one_submission_rates_only_the_decided(round_open):
    session, issued = round_open
    units = by_unit(issued)
    first = next(iter(units))
    for ticket in units[first]:
        sit(ticket, right=True)
    outcome = selectors.round_results(plan=session.plan)
    assert outcome.has_results and outcome.has_rates
    assert (outcome.overall_units.passed, outcome.overall_units.total) == (1, 1)
    assert (outcome.overall_people.passed, outcome.overall_people.total) == (len(units[first]), len(units[first]))
    assert [(r.passed, r.total) for r in outcome.by_county] == [(1, 1)]
    assert outcome.unit_counts == {"passed": 1, "failed": 0, "absent": 0, "pending": len(units) - 1}
    assert outcome.people_counts["pending"] == len(issued) - len(units[first])


def test_absent_and_failed_are_kept_apart(staff, round_open):
    session, issued = round_open
    units = list(by_unit(issued).values())
    sit(units[0][0], right=False)
    attempt_service.ticket_mark_absent(actor=staff.operator_a, ticket=units[1][0], reason="未到场")
    outcome = selectors.round_results(plan=session.plan)
    people = {p.ticket: p.outcome for p in outcome.people}
    assert people[units[0][0].number] == "failed" and people[units[1][0].number] == "absent"
    assert outcome.people_counts["failed"] == 1 and outcome.people_counts["absent"] == 1
    # A unit with anyone still to sit is pending, not yet failed or absent.
    shown = {u.unit_id: u.outcome for u in outcome.units}
    assert shown[units[0][0].person.unit_id] == ("pending" if len(units[0]) > 1 else "failed")
    assert shown[units[1][0].person.unit_id] == ("pending" if len(units[1]) > 1 else "absent")
    assert all(shown[tickets[0].person.unit_id] == "pending" for tickets in units[2:])
    # Once the session is over, whoever never started is 缺考 (closing marks it), never 不合格.
    later = selectors.round_results(plan=session.plan, now=timezone.now() + timedelta(hours=4))
    assert later.people_counts["failed"] == 1
    assert later.people_counts["absent"] == len(issued) - 1
    assert later.unit_counts["failed"] == 1 and later.unit_counts["absent"] == len(units) - 1


@pytest.mark.parametrize("counts_absent", [True, False])
def test_the_absent_setting_moves_the_denominator(staff, tree, counts_absent):
    """Boundary: a unit with one person passed and the other(s) absent. Six units are drawn so
    that one of them has two people or more, whatever the fake register made."""
    plan, issued = _drawn_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=10, sample=6,
                               plan_options={"absent_counts_as_failed": counts_absent})
    units = by_unit(issued)
    unit_id, (passer, *absentees) = next((u, t) for u, t in units.items() if len(t) >= 2)
    sit(passer, right=True)
    for absentee in absentees:
        attempt_service.ticket_mark_absent(actor=staff.operator_a, ticket=absentee, reason="未到场")
    for other, tickets in units.items():  # everyone else is marked absent too: all-absent units
        if other != unit_id:
            for ticket in tickets:
                attempt_service.ticket_mark_absent(actor=staff.operator_a, ticket=ticket, reason="未到场")
    outcome = selectors.round_results(plan=SamplingPlan.objects.get(pk=plan.pk))
    unit = next(u for u in outcome.units if u.unit_id == unit_id)
    assert unit.outcome == "absent" and not unit.passed  # shown as 缺考 either way
    assert outcome.unit_counts == {"passed": 0, "failed": 0, "absent": len(units), "pending": 0}
    if counts_absent:
        assert unit.rated is False
        assert (outcome.overall_units.passed, outcome.overall_units.total) == (0, len(units))
        assert (outcome.overall_people.passed, outcome.overall_people.total) == (1, len(issued))
    else:
        # Absent people leave the denominators: the unit is judged on who sat; all-absent units
        # have no rate outcome at all.
        assert unit.rated is True
        assert (outcome.overall_units.passed, outcome.overall_units.total) == (1, 1)
        assert (outcome.overall_people.passed, outcome.overall_people.total) == (1, 1)


def test_orders_go_to_failed_units_only_not_to_pending_or_withdrawn_ones(staff, tree):
    """A replacement whose people never had a ticket is 未考 at close and gets no order; the
    withdrawn unit is in no result and gets none either."""
    from supervision.models import RectificationOrder

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=8,
                                                plan_options={"absent_counts_as_failed": False})
    units = by_unit(issued)
    ids = list(units)
    for ticket in units[ids[0]]:
        sit(ticket, right=True)  # passed: no order
    for ticket in units[ids[1]]:
        sit(ticket, right=False)  # 不合格: order
    # ids[2] is withdrawn; its replacement is never issued tickets: 未考, no order.
    draw = session.plan.draws.get()
    withdrawn = draw.selections.get(unit_id=ids[2])
    replacement = sampling.draw_extend(actor=staff.operator_a, draw=draw, withdraw=withdrawn, reason="企业停产")
    assert not Ticket.objects.filter(selection=withdrawn, revoked_at__isnull=True).exists()  # withdrawal revokes
    end_session(session)
    plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
    outcome = selectors.round_results(plan=plan)
    outcomes = {u.unit_id: u.outcome for u in outcome.units}
    assert ids[2] not in outcomes  # withdrawn: in no count
    assert outcomes[replacement.unit_id] == "pending"
    orders = results.rectification_orders_issue(actor=staff.operator_a, plan=plan)
    assert {o.unit_id for o in orders} == {ids[1]}
    assert not RectificationOrder.objects.filter(unit_id__in=[ids[0], ids[2], replacement.unit_id]).exists()


def test_an_absent_unit_gets_an_order_whatever_the_setting(staff, tree):
    """Order 75 Art. 15: a unit whose drawn person stayed away has not passed the assessment; the
    setting changes only the rates (see rectification_orders_issue)."""
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=4,
                                                plan_options={"absent_counts_as_failed": False})
    units = by_unit(issued)
    ids = list(units)
    for ticket in units[ids[0]]:
        sit(ticket, right=True)
    passer, *rest = units[ids[1]]
    sit(passer, right=True)  # one passed, the others absent at close
    end_session(session)
    plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
    outcome = selectors.round_results(plan=plan)
    assert outcome.overall_units.total == 2  # both units where someone sat; all-absent units are out of the rate
    orders = results.rectification_orders_issue(actor=staff.operator_a, plan=plan)
    expected = set(ids[2:]) | ({ids[1]} if rest else set())
    assert {o.unit_id for o in orders} == expected
    assert all("缺考" in o.reason and "不合格" not in o.reason.split("：", 1)[1] for o in orders)


@pytest.mark.parametrize("how", ["revoked", "withdrawn"])
def test_a_withdrawn_unit_is_out_and_its_replacement_counts(staff, round_open, how):
    from assessment.services.sessions import tickets_issue

    session, issued = round_open
    units = by_unit(issued)
    ids = list(units)
    for ticket in units[ids[0]]:
        sit(ticket, right=True)  # this unit passed... then is withdrawn
    before = selectors.round_results(plan=session.plan)
    assert before.overall_units.total == 1 and len(before.units) == len(ids)
    draw = session.plan.draws.get()
    withdrawn = draw.selections.get(unit_id=ids[0])
    replacement = sampling.draw_extend(actor=staff.operator_a, draw=draw, withdraw=withdrawn, reason="企业注销")
    if how == "revoked":
        # Withdrawal revoked the tickets (and the results would leave them out on that alone).
        assert Ticket.objects.filter(selection=withdrawn).exclude(revoked_at=None).count() == len(units[ids[0]])
    outcome = selectors.round_results(plan=session.plan)
    unit_ids = {u.unit_id for u in outcome.units}
    assert ids[0] not in unit_ids and replacement.unit_id in unit_ids
    assert all(p.unit_id != ids[0] for p in outcome.people)
    assert not outcome.has_results  # the only submissions were the withdrawn unit's
    assert {u.outcome for u in outcome.units} == {"pending"}  # the replacement waits for tickets
    new = tickets_issue(actor=staff.operator_a, session=session, selections=[replacement])
    assert new
    for item in new:
        sit(item.ticket, right=True)
    outcome = selectors.round_results(plan=session.plan)
    assert len(outcome.units) == len(ids)  # still the sample size: replacement in, withdrawn out
    assert (outcome.overall_units.passed, outcome.overall_units.total) == (1, 1)
    assert (outcome.overall_people.passed, outcome.overall_people.total) == (len(new), len(new))
    assert outcome.people_counts["pending"] == len(issued) - len(units[ids[0]])


def test_the_public_page_agrees_with_the_results(staff, tree, client):
    """A closed round nobody sat: the page says there are no results (no rates, no 0 %), and a
    withdrawn unit is not on it while its replacement is."""
    from assessment.services.sessions import tickets_issue
    from cms.services import results_publish
    from supervision.models import ProductionUnit

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=6)
    draw = session.plan.draws.get()
    withdrawn = draw.selections.order_by("position").first()
    replacement = sampling.draw_extend(actor=staff.operator_a, draw=draw, withdraw=withdrawn, reason="企业注销")
    assert not Ticket.objects.filter(selection=withdrawn, revoked_at__isnull=True).exists()  # withdrawal revokes
    tickets_issue(actor=staff.operator_a, session=session, selections=[replacement])
    end_session(session)
    plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
    page = results_publish(actor=staff.operator_a, plan=plan)
    page.current_workflow_state.current_task_state.approve(user=staff.approver_a)
    page.refresh_from_db()
    snapshot = page.snapshot
    assert snapshot["has_results"] is False and snapshot["by_county"] == []
    assert "chart-county" not in snapshot["charts"]
    usccs = {u["uscc"] for u in snapshot["units"]}
    assert ProductionUnit.objects.get(pk=withdrawn.unit_id).uscc not in usccs
    assert ProductionUnit.objects.get(pk=replacement.unit_id).uscc in usccs
    assert {u["outcome"] for u in snapshot["units"]} == {"absent"}
    html = client.get(page.url).content.decode()
    assert 'class="big no-results"' in html and 'data-chart="chart-county"' not in html
    assert "个单位中" not in html  # the translated "%(p)s of %(t)s units passed" is not shown


def test_the_trend_chart_leaves_out_a_round_nobody_has_sat(staff, tree, rf):
    from assessment.panels import RoundsPanel

    sat, sat_issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3)
    sit(sat_issued[0].ticket, right=False)
    approver_b = make_staff("ap-b", "approver", tree.county_b).user
    empty, _issued = open_session_with_tickets(county=tree.county_b, operator=staff.operator_b, approver=approver_b, units=3)
    request = rf.get("/admin/")
    request.user = staff.overseer
    context = RoundsPanel(request).get_context_data()
    assert {p.pk for p in context["plans"]} >= {sat.plan_id, empty.plan_id}
    figure = json.loads(context["chart"])
    labels = figure["data"][0]["x"]
    assert labels == [f"2026-1 {tree.county_a.name}"]
    # Only a round with no submission at all (county B's, as its operator sees it): no chart.
    request_b = rf.get("/admin/")
    request_b.user = staff.operator_b
    assert RoundsPanel(request_b).get_context_data()["chart"] is None


def test_the_charts_skip_groups_with_nothing_decided():
    from assessment.charts import pass_rate_chart

    figure = json.loads(pass_rate_chart([selectors.pass_rate("A", 3, 4), selectors.pass_rate("B", 0, 0)], "t"))
    assert figure["data"][0]["x"] == ["A"]


def test_the_plan_form_has_the_absent_setting():
    from assessment.plan_forms import SamplingPlanForm

    assert "absent_counts_as_failed" in SamplingPlanForm.base_fields
    assert SamplingPlan._meta.get_field("absent_counts_as_failed").default is True


def _drawn_plan(*, county, operator, approver, units: int, sample: int, plan_options=None):
    """factories.open_session_with_tickets drawing `sample` units: (plan, issued)."""
    session, issued = open_session_with_tickets(county=county, operator=operator, approver=approver, units=units,
                                                seed=SEED, sample=sample, plan_options=plan_options)
    return session.plan, issued


def test_round_results_query_count_does_not_grow_with_the_tickets(staff, tree):
    approver_b = make_staff("ap-b", "approver", tree.county_b).user
    small, small_issued = _drawn_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=6, sample=3)
    big, big_issued = _drawn_plan(county=tree.county_b, operator=staff.operator_b, approver=approver_b, units=30, sample=18)
    assert 3 <= len(small_issued) <= 8 and len(big_issued) >= 20  # about 5 against 20 or more
    operators = {small.pk: staff.operator_a, big.pk: staff.operator_b}  # each plan's own bureau acts on it
    for plan, issued in ((small, small_issued), (big, big_issued)):  # some decided, some pending, one absent
        sit(issued[0].ticket, right=True)
        sit(issued[1].ticket, right=False)
        attempt_service.ticket_mark_absent(actor=operators[plan.pk], ticket=Ticket.objects.get(pk=issued[2].ticket.pk))
    # A replacement with people in each, so that untested people (no ticket yet) are read too.
    from supervision.models import Person

    for plan in (small, big):
        draw = plan.draws.get()
        while True:
            replacement = sampling.draw_extend(actor=operators[plan.pk], draw=draw, reason="企业停产",
                                               withdraw=draw.selections.filter(withdrawn_reason="").order_by("-position").first())
            if Person.objects.filter(unit_id=replacement.unit_id, left_on__isnull=True, role__in=plan.roles).exists():
                break
    with CaptureQueriesContext(connection) as few:
        small_outcome = selectors.round_results(plan=small)
    with CaptureQueriesContext(connection) as many:
        big_outcome = selectors.round_results(plan=big)
    assert len(big_outcome.people) >= 20 > len(small_outcome.people)
    assert small_outcome.people_counts["pending"] and big_outcome.people_counts["pending"]
    assert len(many) <= len(few), [q["sql"] for q in many.captured_queries]
