"""Closing an on-site inspection round (issue 17): only once every drawn unit is inspected (both
signatures and the unit's answer) or withdrawn; refused with the units named; the operator of
the plan's own county only; nothing more is drawn afterwards; logged with the counts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment.models import PlanStatus
from assessment.selectors import draw_current
from assessment.services import sampling
from inspection.models import Inspection, InspectionStatus
from inspection.services.assignments import inspectors_draw
from inspection.services.rounds import inspection_round_close
from tests.factories import drawn_inspection_plan, inspection_complete, make_staff


@pytest.fixture
def plan(staff, tree):
    for i in range(2):
        make_staff(f"round-insp-{i}", "operator", tree.county_a, enforcement_cert_no=f"33011077{i}",
                   enforcement_cert_valid_until=timezone.localdate() + timedelta(days=365))
    return drawn_inspection_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, sample=2)


def status_of(plan):
    plan.refresh_from_db()
    return plan.status


def test_a_round_closes_only_once_every_drawn_unit_is_inspected(plan, staff):
    with pytest.raises(ValidationError, match="尚未抽取检查人员") as refused:
        inspection_round_close(actor=staff.operator_a, plan=plan)
    for selection in draw_current(plan=plan).selections.select_related("unit"):
        assert selection.unit.name in str(refused.value)
    inspectors_draw(actor=staff.operator_a, plan=plan)
    first, second = Inspection.objects.filter(plan=plan).select_related("unit").order_by("selection__position")
    inspection_complete(first, nonconforming=1)
    with pytest.raises(ValidationError, match="尚未完成") as refused:
        inspection_round_close(actor=staff.operator_a, plan=plan)
    assert second.unit.name in str(refused.value) and first.unit.name not in str(refused.value)
    assert status_of(plan) == PlanStatus.DRAWN and not ModelLogEntry.objects.filter(action="inspection.round_close").exists()

    inspection_complete(second)
    inspection_round_close(actor=staff.operator_a, plan=plan)
    assert status_of(plan) == PlanStatus.CLOSED
    entry = ModelLogEntry.objects.get(action="inspection.round_close")
    assert entry.user == staff.operator_a and entry.data == {"from": "drawn", "to": "closed", "inspections": {InspectionStatus.COMPLETED: 2}}
    with pytest.raises(ValidationError, match="只有已抽取的计划才能结束"):  # a double click
        inspection_round_close(actor=staff.operator_a, plan=plan)
    assert ModelLogEntry.objects.filter(action="inspection.round_close").count() == 1
    with pytest.raises(ValidationError):
        inspectors_draw(actor=staff.operator_a, plan=plan)


def test_a_withdrawn_unit_does_not_hold_the_round_open(plan, staff):
    draw = draw_current(plan=plan)
    withdrawn = draw.selections.order_by("position").first()
    sampling.draw_extend(actor=staff.operator_a, draw=draw, withdraw=withdrawn, reason="该单位已注销")
    inspectors_draw(actor=staff.operator_a, plan=plan)
    assert not Inspection.objects.filter(selection=withdrawn).exists()
    for inspection in Inspection.objects.filter(plan=plan):
        inspection_complete(inspection)
    inspection_round_close(actor=staff.operator_a, plan=plan)
    assert status_of(plan) == PlanStatus.CLOSED


def test_another_county_and_a_read_only_role_may_not_close(plan, staff):
    inspectors_draw(actor=staff.operator_a, plan=plan)
    for inspection in Inspection.objects.filter(plan=plan):
        inspection_complete(inspection)
    for actor in (staff.operator_b, staff.overseer):
        with pytest.raises(PermissionDenied):
            inspection_round_close(actor=actor, plan=plan)
    assert status_of(plan) == PlanStatus.DRAWN


def test_the_plan_page_says_why_it_cannot_close_yet_then_closes_after_asking(plan, staff, client_for):
    client = client_for(staff.operator_a)
    inspectors_draw(actor=staff.operator_a, plan=plan)
    first, second = Inspection.objects.filter(plan=plan).select_related("unit").order_by("selection__position")
    inspection_complete(first)
    page = client.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assert "结束本轮检查" not in page and "每个抽中单位检查完毕后" in page and second.unit.name in page
    # Posted anyway (an old tab): refused with the reason, nothing changes.
    response = client.post(reverse("inspection_round_close", args=[plan.pk]), follow=True)
    assert "尚未完成" in response.content.decode() and status_of(plan) == PlanStatus.DRAWN
    inspection_complete(second)
    page = client.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assert "结束本轮检查" in page and "data-confirm" in page
    assert client_for(staff.operator_b).post(reverse("inspection_round_close", args=[plan.pk])).status_code == 404
    assert status_of(plan) == PlanStatus.DRAWN
    response = client.post(reverse("inspection_round_close", args=[plan.pk]), follow=True)
    assert "本轮现场检查已结束" in response.content.decode() and status_of(plan) == PlanStatus.CLOSED
    page = client.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assert "结束本轮检查" not in page and "公示现场检查结果" in page  # closed, and still publishable
