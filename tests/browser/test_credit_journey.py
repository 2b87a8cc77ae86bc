"""Journey 8 in a real browser, from the demo, with no database edit: after the demo's round the
fined unit has a credit record and a class that explains itself; next year's plan is stratified by
credit class at Henan's ratios (D 30 %, A 1 %) and drawn in public, each class at its own size; the
demo's fine is on the dashboard until it is public (SAMR Order 45 Art. 8: 20 working days), is
disclosed through the approvers' workflow and found on the public site by its USCC; the fine is
recorded as paid, and a year on the unit applies for credit repair (Art. 14), the approver agrees,
and the disclosure is withdrawn with its reason kept and gone from the public site."""

import math
import re
from datetime import timedelta

import pytest
import time_machine

from tests.browser.steps import console_login, plan_press

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def console(browser, base, username):
    from supervision.demo import DEMO_PASSWORD

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.on("dialog", lambda dialog: dialog.accept())  # every data-confirm is read and accepted
    console_login(page, base, username, DEMO_PASSWORD)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_credit_record_risk_weighted_draw_and_penalty_disclosure_from_the_demo(live_server, browser):
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import PlanStatus, SamplingPlan
    from cms.models import PenaltyDisclosurePage, ResultsIndexPage
    from supervision.models import DecisionKind, DisclosureStatus, PenaltyDecision, PenaltyDisclosure, UnitCreditClass, WithdrawalGround
    from supervision.workdays import working_days_after

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    today = timezone.localdate()
    fine = PenaltyDecision.objects.select_related("unit", "order").get(kind=DecisionKind.FINE)
    unit = fine.unit

    # --- The unit's record and class, each event with its date, source and article.
    approver_context, approver = console(browser, base, "yuhang-approver")
    approver.goto(f"{base}/admin/units/inspect/{unit.pk}/")
    record = approver.locator("#credit").inner_text()
    credit = UnitCreditClass.objects.get(unit=unit)
    assert "质量信用档案" in record and f"信用分类 {credit.letter}" in record
    assert credit.explanation and credit.explanation in record  # "C: …" says why
    assert "罚款" in record and fine.decided_on.isoformat() in record

    # --- Next year's plan, stratified by credit class at Henan's preset, drawn in public.
    operator_context, operator = console(browser, base, "yuhang-operator")
    operator.goto(f"{base}/admin/plans/new/")
    title = f"{today.year + 1}年度余杭区风险分级抽查考核"
    operator.fill("[name=title]", title)
    operator.fill("[name=year]", str(today.year + 1))
    operator.fill("[name=batch]", "1")
    operator.select_option("[name=method]", "stratified")
    operator.select_option("[name=stratify_by]", "credit_class")
    operator.select_option("[name=allocation]", "class_ratio")
    for letter, preset in (("a", "1"), ("b", "2"), ("c", "10"), ("d", "30")):
        assert operator.input_value(f"[name=class_ratio_{letter}]") == preset  # Henan's preset by default
    operator.get_by_role("button", name="创建", exact=True).click()
    operator.wait_for_url(re.compile(r".*/admin/plans/(?!new/).*"))
    plan = SamplingPlan.objects.get(title=title)
    assert plan.class_ratios == {"A": 1, "B": 2, "C": 10, "D": 30}
    plan_press(operator, base, plan, "提交审核")
    plan_press(approver, base, plan, "审核通过")
    assert plan.status == PlanStatus.APPROVED
    plan_press(operator, base, plan, "冻结抽样框")
    frame = plan.frame
    classes = frame.strata  # units per credit class, as they stood at the freeze
    assert set(classes) <= {"A", "B", "C", "D"} and credit.letter in classes
    expected = {letter: min(count, max(1, math.ceil(count * plan.class_ratios[letter] / 100))) for letter, count in classes.items()}
    strata = operator.locator("table.zl-strata").inner_text()
    assert "30 %" in strata and "1 %" in strata
    operator.get_by_role("link", name="公开抽取（大屏展示）").click()
    operator.wait_for_url(f"**/admin/plans/presentation/{plan.pk}/")
    assert frame.sha256 in operator.content()
    operator.fill("input[name=seed]", "2718 2818 2845 9045 2353 6028")
    operator.get_by_role("button", name="三、抽取").click()
    operator.wait_for_selector("ol.result li")
    draw = plan.draws.get()
    assert draw.sizes == expected and operator.locator("ol.result li").count() == sum(expected.values())
    drawn_classes = {}
    for selection in draw.selections.all():
        drawn_classes[selection.stratum] = drawn_classes.get(selection.stratum, 0) + 1
    assert drawn_classes == expected  # each class drawn at its own ratio

    # --- The demo's fine waits on the dashboard, with the day it must be public by.
    due_on = working_days_after(fine.decided_on, 20).isoformat()
    operator.goto(f"{base}/admin/")
    row = operator.locator("#zl-disclosures-due-title ~ table tr", has_text=fine.number)
    assert due_on in row.inner_text()
    row.get_by_role("link", name=fine.number).click()
    operator.wait_for_url(f"**/admin/disclosures/{fine.pk}/")
    operator.get_by_role("button", name="公示该处罚").click()
    operator.wait_for_load_state()
    assert "待审核" in operator.locator("#zl-disclosure-state").inner_text()
    page = PenaltyDisclosurePage.objects.get(decision=fine)
    assert not page.live

    # --- The approver approves it in Wagtail; the public finds it by the unit's USCC.
    approver.goto(f"{base}/admin/pages/{page.pk}/edit/")
    approver.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    approver.get_by_role("button", name=re.compile("^审核通过")).first.click()
    approver.wait_for_load_state()
    page.refresh_from_db()
    assert page.live and PenaltyDisclosure.objects.get(decision=fine).status == DisclosureStatus.PUBLISHED
    public_context = browser.new_context(locale="zh-CN")
    public = public_context.new_page()
    index = ResultsIndexPage.objects.get()
    public.goto(f"{base}{index.url}?q={unit.uscc}")
    hits = public.locator("#zl-penalty-hits")
    assert unit.name in hits.inner_text() and fine.number in hits.inner_text()
    hits.get_by_role("link", name=fine.number).click()
    public.wait_for_load_state()
    text = public.locator("main").inner_text()
    assert unit.uscc in text and "20000" in text.replace(",", "") and fine.legal_basis in text

    # --- The fine is paid (recorded on the order's page).
    operator.goto(f"{base}/admin/orders/inspect/{fine.order_id}/")
    form = operator.locator(f"form[data-decision-status='{fine.number}']")
    form.locator("select[name=status]").select_option("paid")
    form.get_by_role("button", name="记录执行状态").click()
    operator.wait_for_load_state()
    fine.refresh_from_db()
    assert fine.status == "paid"

    # --- A year on, the unit applies for credit repair; the approver agrees; the page comes down.
    disclosure = PenaltyDisclosure.objects.get(decision=fine)
    a_year_on = disclosure.published_on + timedelta(days=settings.PENALTY_REPAIR_AFTER_DAYS)
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(a_year_on, timezone.datetime.min.time())) + timedelta(hours=10), tick=True):
        for context in (approver_context, operator_context):
            context.close()  # a year on, everyone signs in again
        operator_context, operator = console(browser, base, "yuhang-operator")
        approver_context, approver = console(browser, base, "yuhang-approver")
        operator.goto(f"{base}/admin/disclosures/{fine.pk}/")
        operator.fill("[name=applied_on]", a_year_on.isoformat())
        operator.fill("[name=statement]", "罚款已缴清；已安排质量安全总监、质量安全员补考合格，建立日管控、周排查、月调度制度")
        operator.get_by_role("button", name="登记申请").click()
        operator.wait_for_load_state()
        assert "罚款已缴清" in operator.locator(".zl-disclosure table").inner_text()
        approver.goto(f"{base}/admin/disclosures/{fine.pk}/")
        approver.fill("#id_agree_reason", "已履行处罚决定，违法行为已改正，一年内未再受同类处罚，同意提前停止公示")
        approver.get_by_role("button", name="同意并撤回公示").click()
        approver.wait_for_load_state()
        assert "已撤回" in approver.locator("#zl-disclosure-state").inner_text()
        assert "同意提前停止公示" in approver.locator("#zl-withdrawal-reason").inner_text()
    disclosure.refresh_from_db()
    assert disclosure.status == DisclosureStatus.WITHDRAWN and disclosure.withdrawal_ground == WithdrawalGround.REPAIRED
    page.refresh_from_db()
    assert not page.live
    if page.url:  # an unpublished page has no public address any more, or answers 404
        assert public.goto(f"{base}{page.url}").status == 404
    public.goto(f"{base}{index.url}?q={unit.uscc}")
    assert public.locator("#zl-penalty-hits").count() == 0
    for context in (approver_context, operator_context, public_context):
        context.close()
