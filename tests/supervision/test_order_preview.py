"""Orders to correct are previewed before they are issued (issue 13): the units, the facts, the
basis, the deadline and the Art. 17 warning, the first order as it will print; nothing is written
until the operator confirms, a second confirmation issues nothing twice, bad input changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessment.services import sampling
from supervision.fake_register import unit_rows
from supervision.models import DecisionKind, PenaltyDecision, ProductionUnit, RectificationOrder
from tests.factories import import_units, open_session_with_tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(tree):
    assert import_units(unit_rows(3, ["330110"], seed=72), tree.county_a).ok
    assert import_units(unit_rows(2, ["330113"], seed=73), tree.county_b).ok


def test_the_findings_preview_lists_the_orders_and_writes_nothing(staff, findings, client_for):
    """Art. 5, 17: units without a director where one is required, or without an officer."""
    page = client_for(staff.operator_a).get(reverse("orders:findings"))
    assert page.status_code == 200
    html = page.content.decode()
    own = ProductionUnit.objects.filter(county__code="330110")
    assert all(unit.name in html for unit in own)
    assert not any(unit.name in html for unit in ProductionUnit.objects.filter(county__code="330113"))  # another county's units
    assert "责令改正通知书" in html and "（签发时编号）" in html and "给予警告" in html
    assert (timezone.localdate() + timedelta(days=30)).strftime("%Y年%-m月%-d日") in html  # the deadline as it will print
    assert 'data-confirm="' in html and "不能撤回" in html
    assert not RectificationOrder.objects.exists() and not PenaltyDecision.objects.exists()


def test_confirming_issues_each_order_once_with_its_warning(staff, findings, client_for):
    client = client_for(staff.operator_a)
    response = client.post(reverse("orders:findings"), {"deadline_days": "20"})
    assert response.status_code == 302 and response.url == reverse("orders:index")
    orders = list(RectificationOrder.objects.all())
    assert orders and all(o.unit.county.code == "330110" for o in orders)
    assert all(o.deadline == o.issued_on + timedelta(days=20) for o in orders)
    assert PenaltyDecision.objects.filter(kind=DecisionKind.WARNING).count() == len(orders)  # Art. 17: the warning with the order
    # Afterwards the preview says they are issued and offers nothing; a second post (a double click) adds nothing.
    html = client.get(reverse("orders:findings")).content.decode()
    assert orders[0].number in html and "已签发" in html and 'data-confirm="' not in html
    client.post(reverse("orders:findings"), {"deadline_days": "20"})
    assert RectificationOrder.objects.count() == len(orders) and PenaltyDecision.objects.count() == len(orders)


@pytest.mark.parametrize("days", ["0", "366", "abc", "-5"])
def test_a_bad_deadline_is_refused_in_chinese_and_writes_nothing(staff, findings, client_for, days):
    client = client_for(staff.operator_a)
    html = client.get(reverse("orders:findings"), {"deadline_days": days}).content.decode()
    assert "整改期限应为下达后 1 至 365 天" in html and 'data-confirm="' not in html
    response = client.post(reverse("orders:findings"), {"deadline_days": days}, follow=True)
    assert "整改期限应为下达后 1 至 365 天" in response.content.decode()
    assert not RectificationOrder.objects.exists()


def test_an_overseer_may_not_issue_orders(staff, findings, client_for):
    client = client_for(staff.overseer)
    for response in (client.get(reverse("orders:findings"), follow=True), client.post(reverse("orders:findings"), follow=True)):
        assert response.redirect_chain == [("/admin/", 302)] and 'data-confirm="' not in response.content.decode()  # Wagtail's refusal
    assert not RectificationOrder.objects.exists()


def test_the_orders_list_offers_the_findings_preview_to_those_who_issue(staff, client_for):
    assert reverse("orders:findings") in client_for(staff.operator_a).get(reverse("orders:index")).content.decode()
    assert reverse("orders:findings") not in client_for(staff.overseer).get(reverse("orders:index")).content.decode()


def test_a_closed_rounds_orders_are_previewed_then_issued(staff, tree, client_for):
    """Art. 15 ¶3: every unit of the round that did not pass or was absent; the round must be closed."""
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)
    client = client_for(staff.operator_a)
    url = reverse("plans:orders", args=[session.plan_id])
    open_round = client.get(url).content.decode()
    assert "先结束本轮" in open_round and 'data-confirm="' not in open_round
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):
        sampling.plan_close(actor=staff.operator_a, plan=session.plan)
        client = client_for(staff.operator_a)  # a new working day: a new login
        html = client.get(url).content.decode()
        assert "缺考" in html and "第十五条第三款" in html and "须参加本局组织的补考" in html
        assert not RectificationOrder.objects.exists()
        assert client_for(staff.operator_b).get(url).status_code == 404  # another county's round
        client.post(url, {"deadline_days": "30"})
    units = {item.ticket.person.unit_id for item in issued}
    assert set(RectificationOrder.objects.values_list("unit_id", flat=True)) == units  # nobody sat: all absent
    assert all(order.requires_resit for order in RectificationOrder.objects.all())
