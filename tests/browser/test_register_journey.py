"""Journey 1: the county operator loads the register, in a real browser, in Chinese."""

import pytest

from supervision.fake_register import person_rows, unit_rows
from tests.browser.steps import console_login
from tests.factories import make_staff, make_tree, person_file, unit_file

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_operator_imports_units_and_people_and_finds_the_noncompliant(live_server, page, tmp_path):
    tree = make_tree()
    make_staff("yh-op", "operator", tree.county_a, full_name="王建国")
    units = unit_rows(20, ["330110"], seed=5)
    for row in units:
        row["生产许可证编号"] = ""  # no licence: the director rule then turns on size and standards
        row["强制性产品认证证书编号"] = ""
    units[0].update({"从业人员数": 1200, "涉及强制性国家标准": "是"})  # large: must have a director (Art. 5)
    bad = [dict(r) for r in units]
    bad[4]["统一社会信用代码"] = "91330110MA2XXXXXX1"
    bad[9]["营业收入（万元）"] = "两千万"
    (tmp_path / "units-bad.csv").write_bytes(unit_file(bad, encoding="gb18030"))
    (tmp_path / "units.csv").write_bytes(unit_file(units, encoding="gb18030"))
    people = [p for p in person_rows(units, seed=6) if not (p["统一社会信用代码"] == units[0]["统一社会信用代码"] and p["岗位"] == "质量安全总监")]
    (tmp_path / "people.xlsx").write_bytes(person_file(people, fmt="xlsx"))

    console_login(page, live_server.url, "yh-op")
    page.goto(f"{live_server.url}/admin/imports/new/")
    with page.expect_download() as download:
        page.get_by_role("link", name="生产单位（xlsx）").click()
    assert download.value.suggested_filename == "生产单位导入模板.xlsx"

    # A file with two bad rows: the preview names both, and nothing can be confirmed.
    page.set_input_files("input[name=file]", str(tmp_path / "units-bad.csv"))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/admin/imports/inspect/*/")
    body = page.locator("main").inner_text()
    assert "有错误" in body
    assert "91330110MA2XXXXXX1" in body and "校验位" in body
    assert "两千万" in body and "应为数字" in body
    assert page.get_by_role("button", name="确认导入").count() == 0

    # The corrected file: preview, confirm, imported.
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.set_input_files("input[name=file]", str(tmp_path / "units.csv"))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/admin/imports/inspect/*/")
    assert "待确认" in page.locator("main").inner_text()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/admin/imports/inspect/*/")
    assert "已导入" in page.locator("main").inner_text()

    # Then the people, as xlsx.
    page.goto(f"{live_server.url}/admin/imports/new/")
    page.select_option("select[name=kind]", "personnel")
    page.set_input_files("input[name=file]", str(tmp_path / "people.xlsx"))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/admin/imports/inspect/*/")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/admin/imports/inspect/*/")
    assert "已导入" in page.locator("main").inner_text()

    # The compliance view: the large unit with no director is listed; its page shows why.
    page.goto(f"{live_server.url}/admin/units/?finding=no_director")
    page.get_by_role("link", name=units[0]["单位名称"]).first.click()
    page.wait_for_url("**/admin/units/inspect/*/")
    body = page.locator("main").inner_text()
    assert "应配备质量安全总监但无在岗总监（第五条）" in body
    assert "大型" in body
    assert "*" * 10 in body  # ID numbers masked


@pytest.mark.django_db(transaction=True)
def test_reimports_show_old_to_new_record_a_leaver_and_the_units_history(live_server, page, tmp_path):
    """Journey 1, the second month (Art. 13): the county's re-exported file changes a unit's phone
    number (the preview shows old → new, the unit's history keeps it), and the personnel file sent as
    the unit's complete staff leaves one officer out (listed as leaving before anything is written,
    then in the unit's post record with the leaving date)."""
    from django.utils import timezone

    from supervision.models import Person, ProductionUnit

    tree = make_tree()
    make_staff("yh-op", "operator", tree.county_a, full_name="王建国")
    units = unit_rows(3, ["330110"], seed=15)
    people = person_rows(units, seed=16)
    (tmp_path / "units.csv").write_bytes(unit_file(units, encoding="gb18030"))
    (tmp_path / "people.csv").write_bytes(person_file(people))
    changed = [dict(r) for r in units]
    old_phone, new_phone = changed[0]["联系电话"], "0571-88886666"
    changed[0]["联系电话"] = new_phone
    (tmp_path / "units-changed.csv").write_bytes(unit_file(changed, encoding="gb18030"))
    unit_code = units[0]["统一社会信用代码"]
    of_unit = [p for p in people if p["统一社会信用代码"] == unit_code]
    leaver = next(p for p in of_unit if p["岗位"] == "质量安全员") if any(p["岗位"] == "质量安全员" for p in of_unit) else of_unit[-1]
    staying = [p for p in of_unit if p is not leaver]
    (tmp_path / "staff.csv").write_bytes(person_file(staying))

    console_login(page, live_server.url, "yh-op")

    def upload(path, kind="units", complete=False):
        page.goto(f"{live_server.url}/admin/imports/new/")
        page.select_option("select[name=kind]", kind)
        if complete:
            page.check("input[name=complete_staff]")
        page.set_input_files("input[name=file]", str(path))
        page.get_by_role("button", name="上传并校验").click()
        page.wait_for_url("**/admin/imports/inspect/*/")

    def confirm():
        page.get_by_role("button", name="确认导入").click()
        page.wait_for_url("**/admin/imports/inspect/*/")
        assert "已导入" in page.locator("main").inner_text()

    upload(tmp_path / "units.csv")
    confirm()
    upload(tmp_path / "people.csv", kind="personnel")
    confirm()

    # The changed phone number: old → new in the preview, nothing written until confirmed.
    upload(tmp_path / "units-changed.csv")
    body = page.locator("main").inner_text()
    assert f"{old_phone} → {new_phone}" in body.replace("\n", " ") or (old_phone in body and new_phone in body)
    unit = ProductionUnit.objects.get(uscc=unit_code)
    assert unit.phone == old_phone
    confirm()
    unit.refresh_from_db()
    assert unit.phone == new_phone

    # The complete staff of the unit, one officer left out: listed as leaving, then recorded.
    upload(tmp_path / "staff.csv", kind="personnel", complete=True)
    leaving = page.locator("table.zl-leaving").inner_text()
    assert leaver["姓名"] in leaving
    assert Person.objects.get(unit=unit, name=leaver["姓名"]).left_on is None  # the preview wrote nothing
    confirm()
    gone = Person.objects.get(unit=unit, name=leaver["姓名"])
    assert gone.left_on == timezone.localdate()

    page.goto(f"{live_server.url}/admin/units/inspect/{unit.pk}/")
    record = page.locator("#post-record + table, #post-record ~ table").first.inner_text()
    assert leaver["姓名"] in record and timezone.localdate().isoformat() in record
    body = page.locator("main").inner_text()
    assert new_phone in body and old_phone in body  # the history keeps the old number with the new
