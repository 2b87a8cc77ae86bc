"""Journeys 2 and 4 in a real browser: the public draw on the big screen, then the published
results page with its charts, the masked table and the files to re-run the draw."""

import pytest
import time_machine

from assessment.models import SamplingPlan
from assessment.services import sampling
from supervision.fake_register import person_rows, unit_rows
from tests.browser.steps import console_login
from tests.factories import STARTER_BANK, import_people, import_units, make_staff, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_public_draw_then_published_results(live_server, page):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import Ticket
    from assessment.services import attempts
    from assessment.services.sessions import session_create, tickets_issue
    from cms.models import ResultsPage
    from cms.services import results_publish

    tree = make_tree()
    operator = make_staff("op", "operator", tree.county_a).user
    approver = make_staff("ap", "approver", tree.county_a).user
    call_command("import_questions", STARTER_BANK, verbosity=0)
    rows = unit_rows(12, ["330110"], seed=81)
    for i, row in enumerate(rows):
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2022{i:012d}"
    import_units(rows, tree.county_a)
    import_people(person_rows(rows, seed=82), tree.county_a)
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="余杭区抽查考核", roles=["director", "officer"], created_by=operator, sample_size=3)
    sampling.plan_submit(actor=operator, plan=plan)
    sampling.plan_approve(actor=approver, plan=plan)
    frame = sampling.frame_freeze(actor=operator, plan=plan)

    console_login(page, live_server.url, "op")
    page.goto(f"{live_server.url}/admin/plans/presentation/{plan.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())  # the draw asks first (data-confirm)
    assert frame.sha256 in page.content()
    # The draw asks first, in the dialog's words; every dialog of this page is accepted.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.fill("input[name=seed]", "12345")
    page.get_by_role("button", name="三、抽取").click()
    assert "至少需要 20 位数字" in page.locator(".error").inner_text()
    page.fill("input[name=seed]", "3141 5926 5358 9793 2384 6264")
    page.get_by_role("button", name="三、抽取").click()
    page.wait_for_selector("ol.result li")
    assert page.locator("ol.result li").count() == 3
    assert dialogs and "公开" in dialogs[-1]

    # The round runs and closes (services), the results are published and approved.
    plan.refresh_from_db()
    draw = plan.draws.get()
    now = timezone.now()
    session = session_create(actor=operator, plan=plan, name="第一场", mode="online", venue="", starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    tickets_issue(actor=operator, session=session, selections=list(draw.selections.all()))
    for ticket in Ticket.objects.filter(session=session):
        attempts.attempt_submit(attempt=attempts.attempt_start(ticket=ticket))
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):  # the session is over
        plan = sampling.plan_close(actor=operator, plan=plan)
        results_page = results_publish(actor=operator, plan=plan)
        results_page.current_workflow_state.current_task_state.approve(user=approver)
    results_page = ResultsPage.objects.get(pk=results_page.pk)

    # The console's results of the round, with its charts (plotly under the admin's policy).
    page.goto(f"{live_server.url}/admin/plans/results/{plan.pk}/")
    page.wait_for_selector("#chart-county .main-svg")

    page.goto(f"{live_server.url}{results_page.url}")
    assert "余杭区抽查考核" in page.title()
    page.wait_for_selector("#chart-county .main-svg")  # plotly drew the chart from our own static files
    table = page.locator("table.results").inner_text()
    assert "*" in table and "不合格" in table
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 verify_draw.py").click()
    assert download.value.suggested_filename == "verify_draw.py"
