"""Journey 7 on a 360 px phone: the inspector records the inspection in a workshop with no signal
(items, the unit's records, a hazard not corrected, a photo made smaller on the phone), the page
keeps the saves and says how many wait; back in signal the queue empties and the server has them."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from inspection.models import CheckResult, Hazard, InspectionItem, InspectionPhoto, ItemCheck, RecordSighting
from supervision.fake_register import unit_rows
from supervision.models import ProductionUnit
from tests.factories import PASSWORD, ROLES, import_units, make_staff, make_tree
from tests.inspection.conftest import make_inspection

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_inspector_records_offline_on_a_phone_and_the_queue_uploads_when_back(live_server, browser):
    tree = make_tree()
    call_command("load_inspection_items", verbosity=0)
    assert import_units(unit_rows(1, [tree.county_a.code], seed=77), tree.county_a).ok
    unit = ProductionUnit.objects.get(county=tree.county_a)
    first = make_staff("insp-one", ROLES.OPERATOR, tree.county_a, full_name="王检查", enforcement_cert_no="33011001")
    second = make_staff("insp-two", ROLES.OPERATOR, tree.county_a, full_name="李检查", enforcement_cert_no="33011002")
    items = list(InspectionItem.objects.order_by("sort_order")[:3])
    inspection = make_inspection(unit, [first, second], items)

    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/admin/inspection/")
    page.fill("input[name=username]", "insp-one")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/inspection/")
    assert "我的检查任务" in page.content()
    page.get_by_role("link", name=unit.name).click()
    page.wait_for_url(f"**/admin/inspection/{inspection.pk}/record/")
    status = page.locator("[data-queue-status]")
    status.filter(has_text="已全部上传").wait_for()

    context.set_offline(True)  # the basement workshop
    checks = list(inspection.checks.order_by("position"))
    for check in checks:
        fieldset = page.locator(f"fieldset[data-check='{check.pk}']")
        fieldset.locator("textarea").fill("未见记录" if check.position == 1 else "")
        result = CheckResult.NONCONFORM if check.position == 1 else CheckResult.CONFORM
        fieldset.locator(f"input[value='{result}']").check()
    for kind in ("daily", "weekly", "monthly"):
        fieldset = page.locator(f"fieldset[data-sighting='{kind}']")
        fieldset.locator(f"input[name='start-{kind}']").fill("2026-09-01")
        fieldset.locator(f"input[name='end-{kind}']").fill("2026-11-30")
        fieldset.locator("input[value='1']").check()
    form = page.locator("form[data-hazard-form]")
    form.locator("select[name=record_kind]").select_option("weekly")
    form.locator("textarea[name=description]").fill("第47周排查发现原料查验记录缺失，未整改")
    form.get_by_role("button", name="添加风险隐患").click()
    page.locator(f"fieldset[data-check='{checks[0].pk}'] input[type=file]").set_input_files(
        files=[{"name": "IMG_2041.png", "mimeType": "image/png", "buffer": png(2400, 1200)}])
    page.locator(f"[data-photos-for='{checks[0].pk}'] img").wait_for()
    status.filter(has_text="条待上传").wait_for()
    assert "无信号" in status.inner_text()
    assert not ItemCheck.objects.filter(inspection=inspection).exclude(result="").exists()
    assert not InspectionPhoto.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on the phone
    assert page.locator("button[data-needs-upload]").first.is_disabled()  # no signing before the server has it all

    context.set_offline(False)  # back in signal
    status.filter(has_text="已全部上传").wait_for(timeout=30000)
    results = dict(ItemCheck.objects.filter(inspection=inspection).values_list("position", "result"))
    assert results == {1: CheckResult.NONCONFORM, 2: CheckResult.CONFORM, 3: CheckResult.CONFORM}
    assert ItemCheck.objects.get(inspection=inspection, position=1).note == "未见记录"
    assert RecordSighting.objects.filter(inspection=inspection, seen=True).count() == 3
    hazard = Hazard.objects.get(inspection=inspection)
    assert hazard.record_kind == "weekly" and not hazard.corrected
    photo = InspectionPhoto.objects.get(inspection=inspection)
    assert photo.item_check_id == checks[0].pk and (photo.width, photo.height) == (1600, 800) and photo.content_type == "image/jpeg"
    assert page.evaluate("localStorage.length") == 0 or page.evaluate(f"localStorage.getItem('inspection-queue-{inspection.pk}')") == "{}"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="在记录上签字").click()
    page.locator(".ins-message").filter(has_text="您的签字已记录").wait_for()
    context.close()
