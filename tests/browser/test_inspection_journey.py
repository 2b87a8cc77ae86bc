"""Journey 7 in a real browser, from the demo, with no database edit: the approver edits an item of
the inspection list (a new version; the demo's finished round keeps the one it used); the operator
drafts an on-site inspection plan and the approver approves it; the frame is frozen and the public
draw picks the units; the inspectors are drawn (valid 执法证 only, recusal). On a 360 px phone in a
workshop with no signal, the first inspector goes through the items, the unit's daily, weekly and
monthly records for the last quarter (Art. 10–12, 14), two photos and a hazard from a weekly review
never corrected; back in signal the queue uploads; both inspectors sign and the unit's
representative confirms. The finding becomes an order to correct with the Art. 17 warning, the
results page is approved and public, its deadline (20 working days) on the dashboard until then,
and the operator closes the round."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from tests.browser.steps import plan_press

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def png(width: int, height: int, colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def login(browser, base, username, password, *, phone=False):
    options = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.on("dialog", lambda dialog: dialog.accept())  # every data-confirm is read and accepted
    page.goto(f"{base}/admin/login/?next=/admin/inspection/" if phone else f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/inspection/" if phone else f"{base}/admin/")
    return context, page


def record_on_phone(page, inspection, *, finding, quarter, offline_context=None):
    """Go through the record page of one inspection: every item, the three kinds of record for the
    quarter, and (for the unit with the finding) two photos and a hazard never corrected."""
    from inspection.models import FindingConsequence

    page.get_by_role("link", name=inspection.unit.name).click()
    page.wait_for_url(f"**/admin/inspection/{inspection.pk}/record/")
    status = page.locator("[data-queue-status]")
    status.filter(has_text="已全部上传").wait_for()
    if offline_context is not None:
        offline_context.set_offline(True)  # the basement workshop
    checks = list(inspection.checks.select_related("item_version").order_by("position"))
    nonconforming = next(c for c in checks if c.item_version.consequence == FindingConsequence.ART17) if finding else None
    for check in checks:
        fieldset = page.locator(f"fieldset[data-check='{check.pk}']")
        if check == nonconforming:
            fieldset.locator("textarea").fill("未建立原料进货查验台账，近三个月无记录")
        fieldset.locator(f"input[value='{'nonconform' if check == nonconforming else 'conform'}']").check()
    start, end = quarter
    for kind in ("daily", "weekly", "monthly"):
        fieldset = page.locator(f"fieldset[data-sighting='{kind}']")
        fieldset.locator(f"input[name='start-{kind}']").fill(start.isoformat())
        fieldset.locator(f"input[name='end-{kind}']").fill(end.isoformat())
        fieldset.locator("input[value='1']").check()
    if finding:
        form = page.locator("form[data-hazard-form]")
        form.locator("select[name=record_kind]").select_option("weekly")
        form.locator("textarea[name=description]").fill("第44周排查发现成品仓库灭火器过期，至今未整改")
        form.get_by_role("button", name="添加风险隐患").click()
        for name, colour in (("IMG_3101.png", (200, 40, 40)), ("IMG_3102.png", (40, 160, 60))):
            page.locator(f"fieldset[data-check='{nonconforming.pk}'] input[type=file]").set_input_files(
                files=[{"name": name, "mimeType": "image/png", "buffer": png(3000, 2000, colour)}])
        page.locator(f"[data-photos-for='{nonconforming.pk}'] img").nth(1).wait_for()
    if offline_context is not None:
        status.filter(has_text="条待上传").wait_for()
        assert "无信号" in status.inner_text()
        assert page.locator("button[data-needs-upload]").first.is_disabled()  # nothing is signed before the server has it
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on the phone
        offline_context.set_offline(False)  # back in signal
    status.filter(has_text="已全部上传").wait_for(timeout=30000)
    return nonconforming


def sign(page):
    page.get_by_role("button", name="在记录上签字").click()
    page.locator(".ins-message").filter(has_text="您的签字已记录").wait_for()


def second_signs_and_unit_confirms(browser, base, username, inspection, *, representative, post=""):
    """The second inspector opens the task on their own phone, signs, and records the unit's answer."""
    from supervision.demo import DEMO_PASSWORD

    context, phone = login(browser, base, username, DEMO_PASSWORD, phone=True)
    phone.get_by_role("link", name=inspection.unit.name).click()
    phone.wait_for_url(f"**/admin/inspection/{inspection.pk}/record/")
    sign(phone)
    confirm = phone.locator(f"form[action$='/admin/inspection/{inspection.pk}/confirm/']")
    confirm.locator("[name=name]").fill(representative)
    confirm.locator("[name=post]").fill(post)
    confirm.get_by_role("button", name="记录单位确认情况").click()
    phone.wait_for_load_state()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_on_site_inspection_journey_from_the_demo(live_server, browser):
    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import PlanPurpose, PlanStatus, SamplingPlan
    from cms.models import InspectionResultsPage
    from inspection.models import (
        CheckResult, Hazard, Inspection, InspectionItem, ItemCheck, InspectionPhoto, InspectionStatus, InspectorAssignment, RecordSighting,
    )
    from supervision.demo import DEMO_PASSWORD
    from cms.selectors import PUBLICATION_WORKING_DAYS
    from supervision.models import DecisionKind, OrderSource, RectificationOrder
    from supervision.workdays import working_days_after

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    today = timezone.localdate()
    quarter = (today - timedelta(days=91), today - timedelta(days=1))

    # --- The approver keeps the item list: an edit is a new version, the demo's round keeps its own.
    approver_context, approver = login(browser, base, "yuhang-approver", DEMO_PASSWORD)
    approver.goto(f"{base}/admin/inspection_items/")
    assert "抽查事项清单" in approver.content()
    item = InspectionItem.objects.select_related("current_version").order_by("sort_order").first()
    used = item.current_version
    assert ItemCheck.objects.filter(item_version=used, inspection__status=InspectionStatus.COMPLETED).exists(), "the demo's round used this version"
    approver.get_by_role("link", name=used.title).first.click()
    approver.wait_for_url(f"**/admin/inspection_items/inspect/{item.pk}/")
    approver.goto(f"{base}/admin/inspection_items/edit/{item.pk}/")
    approver.fill("[name=method]", used.method + "抽查最近一个季度的日管控、周排查、月调度记录。")
    approver.get_by_role("button", name="保存", exact=True).click()
    approver.wait_for_load_state()
    item.refresh_from_db()
    assert item.current_version.number == used.number + 1 and "最近一个季度" in item.current_version.method
    assert ItemCheck.objects.filter(item_version=used, inspection__status=InspectionStatus.COMPLETED).exists()  # a finished inspection keeps its version

    # --- The operator drafts the plan; the approver approves it.
    operator_context, operator = login(browser, base, "yuhang-operator", DEMO_PASSWORD)
    operator.goto(f"{base}/admin/plans/")
    operator.get_by_role("link", name="新建现场检查计划").click()
    operator.wait_for_url("**/admin/plans/new/**")
    title = f"{today.year}年度余杭区第二批现场检查"
    operator.fill("[name=title]", title)
    operator.fill("[name=year]", str(today.year))
    operator.fill("[name=batch]", "2")
    operator.fill("[name=sample_size]", "2")
    operator.get_by_role("button", name="创建", exact=True).click()
    operator.wait_for_url("**/admin/plans/**")
    plan = SamplingPlan.objects.get(title=title)
    assert plan.purpose == PlanPurpose.INSPECTION and plan.jurisdiction.code == "330110"
    plan_press(operator, base, plan, "提交审核")
    plan_press(approver, base, plan, "审核通过")
    assert plan.status == PlanStatus.APPROVED

    # --- The public draw: frame frozen, the seed on the big screen, the units drawn; then the inspectors.
    plan_press(operator, base, plan, "冻结抽样框")
    operator.get_by_role("link", name="公开抽取（大屏展示）").click()
    operator.wait_for_url(f"**/admin/plans/presentation/{plan.pk}/")
    operator.fill("input[name=seed]", "1618 0339 8874 9894 8482 0458")
    operator.get_by_role("button", name="三、抽取").click()
    operator.wait_for_selector("ol.result li")
    assert operator.locator("ol.result li").count() == 2
    operator.goto(f"{base}/admin/plans/inspect/{plan.pk}/")
    operator.get_by_role("link", name="抽取检查人员").click()
    operator.wait_for_url("**/inspectors/**")
    operator.get_by_role("button", name="抽取检查人员").click()
    operator.wait_for_url(f"**/admin/plans/inspect/{plan.pk}/**")
    assert "检查人员已抽取" in operator.content()
    inspections = list(Inspection.objects.filter(plan=plan).select_related("unit").order_by("selection__position"))
    assert len(inspections) == 2
    drawn = {a.staff.user.username for a in InspectorAssignment.objects.filter(inspection__plan=plan).select_related("staff__user")}
    assert "yuhang-admin" not in drawn and "yuhang-operator" not in drawn  # expired certificate; the one who ran the draw
    for inspection in inspections:
        assert item.current_version_id in set(inspection.checks.values_list("item_version_id", flat=True))
        assert inspection.inspector_frame_sha256[:16] in operator.content()
        previous = set(InspectorAssignment.objects.filter(inspection__unit=inspection.unit).exclude(inspection__plan=plan)
                       .filter(inspection__plan__purpose=PlanPurpose.INSPECTION).values_list("staff_id", flat=True))
        assert not previous & set(inspection.assignments.values_list("staff_id", flat=True)), "recusal"
    approver_context.close()

    # --- On site, on the inspectors' phones: the first unit's record offline, with its finding.
    first, second = inspections
    inspectors = [a.staff.user.username for a in first.assignments.select_related("staff__user").order_by("position")]
    phone_context, phone = login(browser, base, inspectors[0], DEMO_PASSWORD, phone=True)
    assert "我的检查任务" in phone.content()
    nonconforming = record_on_phone(phone, first, finding=True, quarter=quarter, offline_context=phone_context)
    assert dict(first.checks.values_list("pk", "result"))[nonconforming.pk] == CheckResult.NONCONFORM
    assert RecordSighting.objects.filter(inspection=first, seen=True, period_start=quarter[0], period_end=quarter[1]).count() == 3
    hazard = Hazard.objects.get(inspection=first)
    assert hazard.record_kind == "weekly" and not hazard.corrected
    photos = list(InspectionPhoto.objects.filter(inspection=first))
    assert len(photos) == 2 and {p.item_check_id for p in photos} == {nonconforming.pk}
    assert all(max(p.width, p.height) == 1600 and p.content_type == "image/jpeg" and len(p.sha256) == 64 for p in photos)
    assert photos[0].sha256 != photos[1].sha256
    sign(phone)
    phone_context.close()
    second_signs_and_unit_confirms(browser, base, inspectors[1], first, representative="张伟", post="质量安全总监")
    first.refresh_from_db()
    assert first.status == InspectionStatus.COMPLETED and first.representative_name == "张伟"

    # The second unit: everything conforms, recorded online by its own inspectors.
    inspectors = [a.staff.user.username for a in second.assignments.select_related("staff__user").order_by("position")]
    phone_context, phone = login(browser, base, inspectors[0], DEMO_PASSWORD, phone=True)
    record_on_phone(phone, second, finding=False, quarter=quarter)
    sign(phone)
    phone_context.close()
    second_signs_and_unit_confirms(browser, base, inspectors[1], second, representative="李娜")
    second.refresh_from_db()
    assert second.status == InspectionStatus.COMPLETED

    # --- The finding becomes an order to correct, with the Art. 17 warning.
    operator.goto(f"{base}/admin/inspection/{first.pk}/")
    assert "第44周" in operator.content() and "未整改" in operator.content()
    operator.get_by_role("link", name="根据检查发现责令改正").click()
    operator.wait_for_url(f"**/admin/inspection/{first.pk}/order/**")
    assert "警告" in operator.content()
    operator.get_by_role("button", name=re.compile("^签发")).click()
    operator.wait_for_url("**/admin/orders/**")
    order = RectificationOrder.objects.get(source_kind=OrderSource.INSPECTION, source_id=first.pk)
    assert order.unit_id == first.unit_id and nonconforming.item_version.legal_basis[:20] in order.legal_basis
    assert order.decisions.filter(kind=DecisionKind.WARNING).exists()
    first.refresh_from_db()
    assert first.order_id == order.pk

    # --- The dashboard shows the round's publication deadline; the results go public.
    deadline = working_days_after(today, PUBLICATION_WORKING_DAYS).isoformat()
    operator.goto(f"{base}/admin/")
    row = operator.locator("#zl-inspection-title ~ table tr", has_text=title)
    assert [c.strip() for c in row.locator("td").all_inner_texts()] == ["余杭区", title, "0", "2/2", "2", deadline]
    operator.goto(f"{base}/admin/plans/inspect/{plan.pk}/")
    operator.get_by_role("button", name="公示现场检查结果").click()
    operator.wait_for_url("**/admin/pages/**")
    page = InspectionResultsPage.objects.get(plan=plan)
    assert not page.live
    approver_context, approver = login(browser, base, "yuhang-approver", DEMO_PASSWORD)
    approver.goto(f"{base}/admin/pages/{page.pk}/edit/")
    approver.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    approver.get_by_role("button", name=re.compile("^审核通过")).first.click()
    approver.wait_for_load_state()
    page = InspectionResultsPage.objects.get(pk=page.pk)
    assert page.live
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}{page.url}")
    text = public.locator("main").inner_text()
    assert first.unit.name in text and second.unit.name in text and "不符合" in text
    for name in ("张伟", "李娜", *drawn):
        assert name not in text  # no personal data on the public page
    approver_context.close()
    # Every drawn unit inspected: the operator closes the round (after the page asks).
    operator.goto(f"{base}/admin/plans/inspect/{plan.pk}/")
    operator.get_by_role("button", name="结束本轮检查").click()
    operator.wait_for_load_state()
    assert "本轮现场检查已结束" in operator.content()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    operator.goto(f"{base}/admin/")
    row = operator.locator("#zl-inspection-title ~ table tr", has_text=title)
    assert [c.strip() for c in row.locator("td").all_inner_texts()][2:] == ["0", "2/2", "0", "—"]  # public: nothing due
    operator_context.close()
    # The city's overseer sees the round among its counties'.
    overseer_context, overseer = login(browser, base, "hangzhou-overseer", DEMO_PASSWORD)
    assert overseer.locator("#zl-inspection-title ~ table tr", has_text=title).locator("td").first.inner_text().strip() == "余杭区"
    overseer_context.close()
    assert not browser.violations()
