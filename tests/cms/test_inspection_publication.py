"""An inspection round's results page (issue 17): snapshot through the approvers' workflow, no
personal data, updates with a reason, and the dashboard's 20-working-day publication deadline
(《企业信息公示暂行条例》第七条)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from assessment.models import PlanPurpose, SamplingPlan
from assessment.services import sampling
from cms.models import InspectionResultsPage
from cms.selectors import inspection_publication_rows
from cms.services import inspection_results_publish
from inspection.models import Inspection
from inspection.services.assignments import inspectors_draw
from supervision.workdays import working_days_after
from tests.cms.test_results_publication import approve
from tests.factories import drawn_inspection_plan, inspection_complete, make_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


def inspected(plan, selection, inspectors, *, on: date, nonconforming: int = 0, uncorrected: int = 0):
    """One of the plan's units inspected and signed off at 16:00 on `on`, through the services: the
    inspectors of every unit of the plan are drawn the first time (by its operator, from the two
    certified `inspectors`), then the unit's own inspectors record it (tests.factories)."""
    with time_machine.travel(datetime(on.year, on.month, on.day, 16, tzinfo=SHANGHAI), tick=False):
        if not Inspection.objects.filter(plan=plan).exists():
            inspectors_draw(actor=plan.created_by, plan=plan, on=on)
        inspection = Inspection.objects.get(plan=plan, selection=selection)
        assert {a.staff_id for a in inspection.assignments.all()} == {s.pk for s in inspectors}
        return inspection_complete(inspection, nonconforming=nonconforming, uncorrected=uncorrected)


@pytest.fixture
def round_(staff, tree):
    plan = drawn_inspection_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)
    selections = list(plan.draws.get().selections.order_by("position"))
    inspectors = [make_staff(f"insp-{i}", "operator", tree.county_a, full_name=name, enforcement_cert_no=f"3301100{i}",
                             enforcement_cert_valid_until=date(2027, 12, 31)) for i, name in ((1, "钱检查"), (2, "孙检查"))]
    return plan, selections, inspectors


def test_results_page_goes_live_only_when_approved_and_names_no_person(staff, round_, client):
    plan, selections, inspectors = round_
    inspected(plan, selections[0], inspectors, on=date(2026, 11, 2))
    inspected(plan, selections[1], inspectors, on=date(2026, 11, 3), nonconforming=2, uncorrected=1)
    page = inspection_results_publish(actor=staff.operator_a, plan=plan)
    assert not page.live and page.workflow_in_progress
    entry = ModelLogEntry.objects.get(action="inspection.results_publish")
    assert entry.user == staff.operator_a and sorted(entry.data["inspections"]) == sorted(page.snapshot["inspection_ids"])
    assert client.get("/results/").content.decode().count(plan.title) == 0
    approve(page, staff.approver_a)
    html = client.get(page.url).content.decode()
    assert selections[0].unit.name in html and selections[1].unit.name in html
    assert selections[2].unit.name not in html  # not inspected yet: not on the page
    assert "2 项不符合" in html and "1 项隐患未整改" in html and "未发现问题" in html
    assert plan.frame.sha256 in html
    for name in ("钱检查", "孙检查", "赵经理"):  # inspectors and the unit's representative: personal data
        assert name not in html
    assert plan.title in client.get("/results/").content.decode()
    # The public search finds an inspected unit by part of its name.
    hit = client.get("/results/", {"q": selections[1].unit.name[2:6]}).content.decode()
    assert "检查发现问题" in hit


def test_nothing_to_publish_wrong_plan_wrong_role_and_other_county(staff, round_, tree):
    plan, selections, inspectors = round_
    with pytest.raises(ValidationError, match="尚无已完成的检查"):
        inspection_results_publish(actor=staff.operator_a, plan=plan)
    inspected(plan, selections[0], inspectors, on=date(2026, 11, 2))
    with pytest.raises(PermissionDenied):
        inspection_results_publish(actor=staff.operator_b, plan=plan)
    assert not InspectionResultsPage.objects.exists()
    assessment_plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, batch=9, title="考核", roles=["director"], created_by=staff.operator_a)
    with pytest.raises(ValidationError, match="不是现场检查计划"):
        inspection_results_publish(actor=staff.operator_a, plan=assessment_plan)


def test_an_update_needs_a_reason_and_adds_the_later_inspections(staff, round_, client):
    plan, selections, inspectors = round_
    inspected(plan, selections[0], inspectors, on=date(2026, 11, 2))
    page = approve(inspection_results_publish(actor=staff.operator_a, plan=plan), staff.approver_a)
    inspected(plan, selections[1], inspectors, on=date(2026, 11, 9))
    with pytest.raises(ValidationError, match="原因"):
        inspection_results_publish(actor=staff.operator_a, plan=plan)
    page = approve(inspection_results_publish(actor=staff.operator_a, plan=plan, reason="补充11月9日完成的检查"), staff.approver_a)
    page = InspectionResultsPage.objects.get(pk=page.pk)
    assert len(page.snapshot["inspection_ids"]) == 2
    html = client.get(page.url).content.decode()
    assert "补充11月9日完成的检查" in html and selections[1].unit.name in html


def test_the_dashboard_counts_twenty_working_days_from_each_inspection(staff, round_, client_for):
    plan, selections, inspectors = round_
    # Completed on Monday 2026-09-28: the 国庆 holidays are not counted, so the period is longer
    # than four calendar weeks.
    first = inspected(plan, selections[0], inspectors, on=date(2026, 9, 28))
    deadline = working_days_after(date(2026, 9, 28), 20)
    assert deadline > date(2026, 9, 28) + timedelta(days=28)  # the holidays lengthen the period
    [row] = inspection_publication_rows(user=staff.operator_a, today=deadline)
    assert (row.total, row.open, row.completed, row.unpublished, row.deadline, row.overdue) == (3, 2, 1, 1, deadline, False)
    [row] = inspection_publication_rows(user=staff.operator_a, today=deadline + timedelta(days=1))
    assert row.overdue
    # Published and approved: no longer waiting; a later inspection starts its own period.
    approve(inspection_publication_page(staff, plan), staff.approver_a)
    inspected(plan, selections[1], inspectors, on=date(2026, 11, 16))
    [row] = inspection_publication_rows(user=staff.operator_a, today=date(2026, 11, 17))
    assert (row.completed, row.unpublished, row.deadline, row.overdue) == (2, 1, working_days_after(date(2026, 11, 16), 20), False)
    assert first.pk in InspectionResultsPage.objects.get(plan=plan).snapshot["inspection_ids"]
    # Scoped: the neighbouring county sees nothing; the city's overseer sees the county's round.
    assert inspection_publication_rows(user=staff.operator_b, today=date(2026, 11, 17)) == []
    assert [r.plan for r in inspection_publication_rows(user=staff.overseer, today=date(2026, 11, 17))] == [plan]
    # On the dashboard, in Chinese.
    html = client_for(staff.overseer).get("/admin/").content.decode()
    assert "现场检查" in html and plan.title in html and "20个工作日" in html


def test_the_dashboard_queries_do_not_grow_with_the_rounds(staff, round_, tree):
    plan, selections, inspectors = round_
    inspected(plan, selections[0], inspectors, on=date(2026, 11, 2))
    with CaptureQueriesContext(connection) as one:
        inspection_publication_rows(user=staff.operator_a, today=date(2026, 11, 20))
    for batch in (2, 3):
        other = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, batch=batch, title=f"第{batch}批", purpose=PlanPurpose.INSPECTION,
                                            roles=[], created_by=staff.operator_a, sample_size=1)
        sampling.plan_submit(actor=staff.operator_a, plan=other)
        sampling.plan_approve(actor=staff.approver_a, plan=other)
        sampling.frame_freeze(actor=staff.operator_a, plan=other)
        sampling.draw_perform(actor=staff.operator_a, plan=other, seed=f"{batch}2345678901234567890123")
        inspected(other, other.draws.get().selections.get(), inspectors, on=date(2026, 11, 3))
    with CaptureQueriesContext(connection) as three:
        rows = inspection_publication_rows(user=staff.operator_a, today=date(2026, 11, 20))
    assert len(rows) == 3
    assert len(three) == len(one)


def inspection_publication_page(staff, plan):
    return inspection_results_publish(actor=staff.operator_a, plan=plan)


def test_the_plan_page_publishes_and_another_county_gets_a_404(staff, round_, client_for):
    plan, selections, inspectors = round_
    client = client_for(staff.operator_a)
    assert "公示现场检查结果" not in client.get(f"/admin/plans/inspect/{plan.pk}/").content.decode()  # nothing completed yet
    inspected(plan, selections[0], inspectors, on=date(2026, 11, 2))
    assert "公示现场检查结果" in client.get(f"/admin/plans/inspect/{plan.pk}/").content.decode()
    assert client_for(staff.operator_b).post(f"/admin/publish-results/{plan.pk}/").status_code == 404
    response = client.post(f"/admin/publish-results/{plan.pk}/")
    page = InspectionResultsPage.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/pages/{page.pk}/edit/")
    # A second click without a reason is refused with the reason why, and writes no new revision.
    revisions = page.revisions.count()
    response = client.post(f"/admin/publish-results/{plan.pk}/", follow=True)
    assert "原因" in response.content.decode() and page.revisions.count() == revisions
