"""The read layer of assessment (`assessment/selectors/`): the current draw, and the pass rates of
many rounds counted in the database, which must equal what `round_results` gives and keep the
dashboard's queries constant in the number of rounds."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import selectors
from assessment.models import SamplingPlan, Ticket
from assessment.services import attempts as attempt_service
from assessment.services import sampling
from tests.factories import open_session_with_tickets, sit


def a_round(staff, county, *, batch: int, plan_options=None, units: int = 6):
    """A drawn round of `county` (its `batch`) with its session open and its tickets issued."""
    session, issued = open_session_with_tickets(county=county, operator=staff.operator_a, approver=staff.approver_a, units=units,
                                                plan_options={"batch": batch, **(plan_options or {})})
    return SamplingPlan.objects.get(pk=session.plan_id), [Ticket.objects.get(pk=i.ticket.pk) for i in issued]


def mixed(staff, tickets, *, started: bool = True) -> None:
    """合格, 不合格 and 缺考 (marked), one sitting left open, the rest not yet examined."""
    sit(tickets[0], right=True)
    sit(tickets[1], right=False)
    attempt_service.ticket_mark_absent(actor=staff.operator_a, ticket=tickets[2])
    if started:
        attempt_service.attempt_start(ticket=tickets[3])


def test_draw_current_is_the_draw_no_redraw_replaced(staff, tree):
    plan, _tickets = a_round(staff, tree.county_a, batch=1)
    first = plan.draws.get()
    assert selectors.draw_current(plan=plan) == first
    plan.refresh_from_db()
    again = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed="12345678901234567890999", reason="现场种子录入有误")
    assert selectors.draw_current(plan=plan) == again != first
    assert selectors.plan_draws(plan=plan) == [first, again]


@pytest.mark.parametrize("absent_counts", [True, False])
def test_rounds_people_rates_equal_round_results(staff, tree, absent_counts):
    plan, tickets = a_round(staff, tree.county_a, batch=1, plan_options={"absent_counts_as_failed": absent_counts})
    assert len(tickets) >= 5
    mixed(staff, tickets)
    # A withdrawn selection's tickets count nowhere, its replacement's do (still to be ticketed).
    draw = plan.draws.get()
    sampling.draw_extend(actor=staff.operator_a, draw=draw, reason="企业停产", withdraw=draw.selections.get(pk=tickets[-1].selection_id))
    untouched, _t = a_round(staff, tree.county_a, batch=2)  # drawn, nobody has sat: no rate
    ended = max(t.session.ends_at for t in tickets) + timedelta(minutes=1)
    for now in (timezone.now(), ended):  # during the session, and after it (who never sat is 缺考)
        rates = selectors.rounds_people_rates(plans=[plan, untouched], now=now)
        expected = selectors.round_results(plan=plan, now=now)
        assert expected.has_results and expected.people_counts["passed"] and expected.people_counts["failed"] and expected.people_counts["absent"]
        got, want = rates[plan.pk], expected.overall_people
        assert (got.label, got.passed, got.total, got.low, got.high) == (want.label, want.passed, want.total, want.low, want.high)
        assert untouched.pk not in rates and not selectors.round_results(plan=untouched, now=now).has_results
    assert selectors.rounds_people_rates(plans=[]) == {}


def _dashboard(client) -> tuple[int, list[str]]:
    """The dashboard's query count and the rounds its trend chart shows."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("wagtailadmin_home")).content.decode()
    chart = re.search(r'data-chart="chart-trend">(.*?)</script>', page, re.S)
    return len(queries), json.loads(chart.group(1))["data"][0]["x"] if chart else []


def test_the_dashboard_queries_are_the_same_with_one_and_with_six_rounds(staff, tree, client_for):
    client = client_for(staff.overseer)
    plan, tickets = a_round(staff, tree.county_a, batch=1)
    mixed(staff, tickets)
    client.get(reverse("wagtailadmin_home"))  # warm the per-process caches (content types, site)
    one, shown = _dashboard(client)
    assert shown == [f"2026-1 {tree.county_a.name}"]
    for batch in range(2, 7):
        plan, tickets = a_round(staff, tree.county_a, batch=batch)
        mixed(staff, tickets, started=batch % 2 == 0)
    six, shown = _dashboard(client)
    assert shown == [f"2026-{batch} {tree.county_a.name}" for batch in range(1, 7)]
    assert six == one
