"""Publication through Wagtail with approval (issue 7): snapshots, workflow, masking, search."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.models import QuestionVersion, Ticket
from assessment.services import attempts as attempt_service
from assessment.services.sampling import plan_close
from cms.models import ResultsPage
from cms.services import results_publish
from supervision.models import Person, ProductionUnit
from tests.factories import open_session_with_tickets


@pytest.fixture
def closed_plan(staff, tree):
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=5)
    for item in issued[:2]:
        ticket = Ticket.objects.get(pk=item.ticket.pk)
        attempt = attempt_service.attempt_start(ticket=ticket)
        answers = {p: attempt_service.to_shown_letters(i, QuestionVersion.objects.get(pk=i["v"]).answer) for p, i in enumerate(attempt.paper)}
        attempt_service.attempt_save_answers(attempt=attempt, answers=answers)
        attempt_service.attempt_submit(attempt=attempt)
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):  # the session is over
        return plan_close(actor=staff.operator_a, plan=session.plan)


def approve(page, approver):
    state = page.current_workflow_state
    state.current_task_state.approve(user=approver)
    page.refresh_from_db()
    return page


def test_a_draft_is_not_public_until_an_approver_approves(staff, closed_plan, client):
    page = results_publish(actor=staff.operator_a, plan=closed_plan)
    assert not page.live and page.workflow_in_progress
    assert client.get(page.url or "/results/").status_code == 404 or closed_plan.title not in client.get("/results/").content.decode()
    approve(page, staff.approver_a)
    assert page.live
    html = client.get(page.url).content.decode()
    assert closed_plan.title in html and closed_plan.frame.sha256 in html


def test_no_personal_data_on_public_pages(staff, closed_plan, client):
    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    html = client.get(page.url).content.decode() + client.get("/results/").content.decode()
    for person in Person.objects.filter(unit__county=closed_plan.jurisdiction):
        assert person.name not in html
        assert person.id_number_masked[-4:] + "<" not in html
        if person.phone:
            assert person.phone not in html
    assert re.search(r"[\u4e00-\u9fff]\*", html)  # masked names such as 张*明


def test_published_figures_never_change_and_a_correction_needs_a_reason(staff, closed_plan, client):
    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    unit = ProductionUnit.objects.get(uscc=page.snapshot["units"][0]["uscc"])
    old_name = unit.name
    unit.name = "改名后的单位"
    unit.save()
    html = client.get(page.url).content.decode()
    assert old_name in html and "改名后的单位" not in html
    with pytest.raises(ValidationError):
        results_publish(actor=staff.operator_a, plan=closed_plan)
    corrected = results_publish(actor=staff.operator_a, plan=closed_plan, reason="单位名称变更")
    assert "改名后的单位" not in client.get(page.url).content.decode()  # not live until approved
    approve(ResultsPage.objects.get(pk=corrected.pk), staff.approver_a)
    html = client.get(page.url).content.decode()
    assert "改名后的单位" in html and "单位名称变更" in html
    assert ResultsPage.objects.get(pk=page.pk).revisions.count() >= 2


def test_public_page_query_count_is_constant_in_the_number_of_units(staff, tree, closed_plan, client, django_assert_max_num_queries):
    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(page.url)
    big = dict(page.snapshot)
    big["units"] = page.snapshot["units"] * 200
    ResultsPage.objects.filter(pk=page.pk).update(snapshot=big)
    from django.core.cache import cache

    cache.clear()  # the page is cached per revision; this test bypasses publishing on purpose
    with django_assert_max_num_queries(len(small)):
        response = client.get(page.url)
    assert response.content.decode().count("<tr>") > 200


def test_search_across_published_rounds_by_name_or_uscc(staff, closed_plan, client):
    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    unit = page.snapshot["units"][0]
    by_name = client.get("/results/", {"q": unit["name"][2:5]}).content.decode()
    assert unit["uscc"] in by_name
    by_code = client.get("/results/", {"q": unit["uscc"][-6:].lower()}).content.decode()
    assert unit["name"] in by_code
    assert "没有" in client.get("/results/", {"q": "不存在的单位名称"}).content.decode()


def test_anyone_can_download_the_frame_and_rerun_the_draw(staff, closed_plan, client, tmp_path):
    import subprocess
    import sys

    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    frame = client.get(page.url + page.reverse_subpage("frame_file"))
    script = client.get(page.url + page.reverse_subpage("verify_script"))
    assert frame.status_code == script.status_code == 200
    (tmp_path / "frame.csv").write_bytes(frame.content)
    (tmp_path / "verify_draw.py").write_bytes(script.content)
    draw = page.snapshot["draw"]
    sizes = ",".join(f"{h}={n}" for h, n in draw["sizes"].items())
    out = subprocess.run([sys.executable, "-I", "-S", str(tmp_path / "verify_draw.py"), str(tmp_path / "frame.csv"), draw["seed"], "--sizes", sizes],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == list(closed_plan.draws.get().selections.order_by("position").values_list("element_id", flat=True))


def test_publish_from_the_console(staff, closed_plan, client_for):
    client = client_for(staff.operator_a)
    response = client.post(reverse("cms_publish_results", args=[closed_plan.pk]))
    assert response.status_code == 302
    assert ResultsPage.objects.filter(plan=closed_plan, live=False).exists()
    other = client_for(staff.operator_b)
    assert other.post(reverse("cms_publish_results", args=[closed_plan.pk])).status_code == 404


def test_only_approvers_of_the_rounds_bureau_can_approve(staff, tree, closed_plan):
    from tests.factories import make_staff

    approver_b = make_staff("ap-b", "approver", tree.county_b).user
    page = results_publish(actor=staff.operator_a, plan=closed_plan)
    task = page.current_workflow_task
    assert [a[0] for a in task.get_actions(page, staff.approver_a)][:2] == ["reject", "approve"]
    assert task.get_actions(page, approver_b) == []
    assert not task.user_can_access_editor(page, approver_b)
    assert task.get_task_states_user_can_moderate(staff.approver_a).exists()
    assert not task.get_task_states_user_can_moderate(approver_b).exists()
    assert task.get_actions(page, staff.operator_a) == []  # operators draft, approvers approve


def test_scheduled_publishing(staff, closed_plan, client):
    """An approved page with a go-live time goes live when `publish_scheduled` runs after it."""
    import time

    from django.core.management import call_command

    page = results_publish(actor=staff.operator_a, plan=closed_plan).get_latest_revision_as_object()
    page.go_live_at = timezone.now() + timedelta(seconds=2)
    page.save_revision(user=staff.operator_a)
    approve(ResultsPage.objects.get(pk=page.pk), staff.approver_a)
    call_command("publish_scheduled")
    assert not ResultsPage.objects.get(pk=page.pk).live  # approved, but scheduled for later
    time.sleep(2.5)
    call_command("publish_scheduled")
    page = ResultsPage.objects.get(pk=page.pk)
    assert page.live
    assert client.get(page.url).status_code == 200


def test_rectification_status_updates_through_a_new_revision(staff, closed_plan, client):
    from assessment.services.results import rectification_orders_issue
    from cms.services import results_rectification_refresh
    from supervision.models import RectificationOrder
    from supervision.services.enforcement import order_refuse
    from tests.factories import fine_through_procedure

    page = approve(results_publish(actor=staff.operator_a, plan=closed_plan), staff.approver_a)
    assert "已处罚" not in client.get(page.url).content.decode()
    orders = rectification_orders_issue(actor=staff.operator_a, plan=closed_plan)
    order_refuse(actor=staff.operator_a, order=orders[0], note="拒绝")
    fine_through_procedure(order=RectificationOrder.objects.get(pk=orders[0].pk), approver=staff.approver_a)
    revisions = page.revisions.count()
    corrected = results_rectification_refresh(actor=staff.operator_a, plan=closed_plan)
    approve(ResultsPage.objects.get(pk=corrected.pk), staff.approver_a)
    html = client.get(page.url).content.decode()
    assert "已处罚" in html and "整改状态更新" in html and 'data-chart="chart-rectification"' in html
    assert ResultsPage.objects.get(pk=page.pk).revisions.count() == revisions + 1
