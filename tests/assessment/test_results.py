"""Statistics checked against values computed by hand (issue 7)."""

import math
import re

import numpy as np
import pytest

from assessment import selectors
from assessment.services import results
from assessment.services import attempts as attempt_service
from assessment.models import Ticket, QuestionVersion
from tests.factories import open_session_with_tickets

MATRIX = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)


def test_item_analysis_matches_hand_computed_moodle_statistics():
    facility, sd, disc, efficiency, test = selectors.item_analysis(MATRIX)
    assert facility.tolist() == [0.75, 0.5, 0.25]
    assert sd == pytest.approx([0.5, math.sqrt(1 / 3), 0.5])
    # Item 1 against the rest of the test [2, 1, 0, 0]: cov .75 / sqrt(.75 × 2.75).
    assert disc[0] == pytest.approx(0.75 / math.sqrt(0.75 * 2.75))
    assert test.mean == 1.5 and test.sd == pytest.approx(math.sqrt(5 / 3))
    # Cronbach's alpha = 3/2 × (1 - (0.25 + 1/3 + 0.25) / (5/3)) = 0.75.
    assert test.alpha == pytest.approx(0.75)
    assert test.error_ratio == pytest.approx(50.0)
    assert test.standard_error == pytest.approx(0.5 * math.sqrt(5 / 3))
    # Here each item is already as well ordered as it can be: efficiency 1.
    assert efficiency == pytest.approx([1.0, 1.0, 1.0])


def test_a_negatively_discriminating_item():
    matrix = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    _f, _sd, disc, _e, _t = selectors.item_analysis(matrix)
    assert disc[2] < 0


def test_clopper_pearson_intervals():
    rate = selectors.pass_rate("x", 7, 10)
    assert (rate.low, rate.high) == pytest.approx((0.3475471499, 0.9332604888))
    none = selectors.pass_rate("y", 0, 5)
    assert none.low == 0 and none.high == pytest.approx(1 - 0.025 ** (1 / 5))
    assert selectors.pass_rate("z", 0, 0).total == 0


def test_county_difference_in_plain_words():
    same = selectors.county_difference([selectors.pass_rate("A", 5, 10), selectors.pass_rate("B", 8, 10)])
    assert "偶然" in same
    differ = selectors.county_difference([selectors.pass_rate("A", 2, 40), selectors.pass_rate("B", 38, 40)])
    assert "超出" in differ
    assert "只有一个" in selectors.county_difference([selectors.pass_rate("A", 2, 4)])


def test_round_results_unit_passes_only_if_everyone_passed(staff, tree):
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=6)
    tickets = [Ticket.objects.get(pk=i.ticket.pk) for i in issued]
    by_unit = {}
    for t in tickets:
        by_unit.setdefault(t.person.unit_id, []).append(t)
    unit_ids = list(by_unit)
    # Unit 1: everyone answers everything right. Unit 2: someone fails. Others: not yet examined
    # (the session is still open).
    for number, ticket in enumerate(by_unit[unit_ids[0]] + by_unit[unit_ids[1]]):
        attempt = attempt_service.attempt_start(ticket=ticket)
        if ticket.person.unit_id == unit_ids[0] or number > 0 and ticket != by_unit[unit_ids[1]][0]:
            answers = {p: attempt_service.to_shown_letters(item, QuestionVersion.objects.get(pk=item["v"]).answer) for p, item in enumerate(attempt.paper)}
            attempt_service.attempt_save_answers(attempt=attempt, answers=answers)
        attempt_service.attempt_submit(attempt=attempt)
    outcome = selectors.round_results(plan=session.plan)
    units = {u.unit_id: u for u in outcome.units}
    assert units[unit_ids[0]].passed
    assert not units[unit_ids[1]].passed
    # Issue 12: this used to count the others as absent and the rate as 1/len(unit_ids). They have
    # not sat yet and the session is open: they are 未考 and not in the denominator.
    assert all(not units[u].passed and units[u].outcome == "pending" for u in unit_ids[2:])
    assert outcome.overall_units.passed == 1 and outcome.overall_units.total == 2
    assert outcome.unit_counts == {"passed": 1, "failed": 1, "absent": 0, "pending": len(unit_ids) - 2}
    assert all("*" in p.name_masked for p in outcome.people)
    items, test = selectors.plan_item_analysis(plan=session.plan)
    assert items and test.attempts == len(by_unit[unit_ids[0]]) + len(by_unit[unit_ids[1]])


def test_results_page_and_closing_the_round(staff, tree, client_for):
    from datetime import timedelta

    import time_machine
    from django.urls import reverse

    from assessment.models import PlanStatus

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=4)
    plan = session.plan
    # Issue 12: a round with no submitted attempt has no rates and no charts, so one candidate sits
    # here (before, the test closed a round nobody sat and expected a 0 % county chart).
    attempt_service.attempt_submit(attempt=attempt_service.attempt_start(ticket=Ticket.objects.get(pk=issued[0].ticket.pk)))
    client = client_for(staff.operator_a)
    client.post(reverse("plans:close", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN  # the session is still open
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):  # the session is over
        client = client_for(staff.operator_a)
        client.post(reverse("plans:close", args=[plan.pk]))
        plan.refresh_from_db()
        assert plan.status == PlanStatus.CLOSED
        assert Ticket.objects.filter(session=session, absent_marked_at__isnull=False).count() == len(issued) - 1
        page = client.get(reverse("plans:results", args=[plan.pk])).content.decode()
    assert 'type="application/json" data-chart="chart-county"' in page
    # Every script from our own static files (a random CSRF token may spell "cdn": look at the sources).
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert "/static/vendor/plotly/plotly.min.js" in " ".join(sources)
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    assert "只有一个县（区）参加" in page


def test_too_few_data_are_said_in_words_and_flags_wait_for_enough_attempts(staff, tree, client_for, settings):
    """Issue 20: one blank attempt left alpha, the error ratio and every correlation undefined, shown
    as "nan"; a single answer flagged questions. Undefined is None, shown as 样本不足 with why; flags
    need ITEM_ANALYSIS_MIN_ATTEMPTS answers, which the page states."""
    from django.urls import reverse

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=2)
    attempt_service.attempt_submit(attempt=attempt_service.attempt_start(ticket=Ticket.objects.get(pk=issued[0].ticket.pk)))
    items, test = selectors.plan_item_analysis(plan=session.plan)
    assert test.alpha is None and test.error_ratio is None and test.standard_error is None
    page = client_for(staff.operator_a).get(reverse("plans:results", args=[session.plan.pk])).content.decode()
    assert not re.search(r"\bnan\b", re.sub(r"<script.*?</script>", "", page, flags=re.S), re.I)
    assert "样本不足" in page and f"不少于 {settings.ITEM_ANALYSIS_MIN_ATTEMPTS} 人" in page
    for ticket in issued[1:3]:
        attempt_service.attempt_submit(attempt=attempt_service.attempt_start(ticket=Ticket.objects.get(pk=ticket.ticket.pk)))
    items, _test = selectors.plan_item_analysis(plan=session.plan)
    assert items and not any(item.flags for item in items)  # every answer blank: "too hard", but from 3 attempts
    settings.ITEM_ANALYSIS_MIN_ATTEMPTS = 3
    items, _test = selectors.plan_item_analysis(plan=session.plan)
    assert any(item.attempts >= 3 for item in items)
    assert all("过难" in item.flags for item in items if item.attempts >= 3)
    assert all(item.discrimination is None for item in items)  # all alike: no correlation, no "nan"


def test_dashboard_shows_rounds_and_the_trend_chart(staff, tree, client_for):
    from django.urls import reverse

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3)
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    attempt_service.attempt_submit(attempt=attempt_service.attempt_start(ticket=ticket))
    link = reverse("plans:inspect", args=[session.plan.pk])
    page = client_for(staff.overseer).get(reverse("wagtailadmin_home")).content.decode()
    assert link in page and 'data-chart="chart-trend"' in page
    assert "vendor/plotly/plotly.min.js" in page
    other = client_for(staff.operator_b).get(reverse("wagtailadmin_home")).content.decode()
    assert link not in other


def test_failed_units_get_orders_and_a_passed_resit_lets_them_close(staff, tree):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    import time_machine

    from assessment.services.resits import resit_session_create, resit_tickets_issue
    from assessment.services.sampling import plan_close
    from supervision.models import OrderStatus, RectificationOrder
    from supervision.services.enforcement import evidence_submit, order_verify

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3)
    tickets = [Ticket.objects.get(pk=i.ticket.pk) for i in issued]
    for ticket in tickets:  # everyone sits and fails (answers nothing)
        attempt_service.attempt_submit(attempt=attempt_service.attempt_start(ticket=ticket))
    # The clock moves past the session's end (no row is edited), the round closes, orders follow.
    traveller = time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True)
    traveller.start()
    plan = plan_close(actor=staff.operator_a, plan=session.plan)
    orders = results.rectification_orders_issue(actor=staff.operator_a, plan=plan)
    assert len(orders) == len({t.person.unit_id for t in tickets}) and all(o.requires_resit for o in orders)
    assert results.rectification_orders_issue(actor=staff.operator_a, plan=plan) == orders  # idempotent
    order = orders[0]
    evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile("r.pdf", b"%PDF-1.4"), description="培训记录")
    # The re-exam: a re-exam session of the closed round, and this time the unit's people pass.
    resit_session = resit_session_create(actor=staff.operator_a, plan=plan, name="补考", mode="online", venue="",
                                         starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2))
    resit_tickets = {i.ticket.person_id: i.ticket for i in resit_tickets_issue(actor=staff.operator_a, session=resit_session)}
    unit_tickets = [resit_tickets[t.person_id] for t in tickets if t.person.unit_id == order.unit_id]
    for number, ticket in enumerate(unit_tickets):
        resit = attempt_service.attempt_start(ticket_id=ticket.pk)
        answers = {p: attempt_service.to_shown_letters(i, QuestionVersion.objects.get(pk=i["v"]).answer) for p, i in enumerate(resit.paper)}
        attempt_service.attempt_save_answers(attempt=resit, answers=answers)
        attempt_service.attempt_submit(attempt=resit)
        order.refresh_from_db()
        assert order.resit_passed == (number == len(unit_tickets) - 1)  # only when everyone has passed
    order_verify(actor=staff.operator_a, order=order)
    traveller.stop()
    assert RectificationOrder.objects.get(pk=order.pk).status == OrderStatus.VERIFIED
