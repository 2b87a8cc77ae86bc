"""The register in the console: import flow, lists, export, unit page, ID reveal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from supervision.fake_register import person_rows, unit_rows
from supervision.models import ImportJob, ImportStatus, Person, ProductionUnit
from supervision.services import import_jobs
from tests.factories import import_people, import_units, unit_file


def upload(client, data, name="units.csv", kind="units"):
    return client.post(reverse("imports:add"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm(staff, tree, client_for):
    client = client_for(staff.operator_a)
    rows = unit_rows(8, ["330110"], seed=11)
    response = upload(client, unit_file(rows, encoding="gb18030"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:inspect", args=[job.pk])
    assert job.status == ImportStatus.READY
    page = client.get(response.url).content.decode()
    assert "待确认" in page and "确认导入" in page
    assert ProductionUnit.objects.count() == 0  # a preview writes nothing

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    assert ProductionUnit.objects.count() == 8
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.confirmed_by == staff.operator_a
    assert bytes(job.data) == b""  # the uploaded file (possibly with ID numbers) is not kept

    # A double click on confirm: the second finds the job done and writes nothing more.
    again = client.post(reverse("imports:confirm", args=[job.pk]))
    assert again.status_code == 302
    assert ModelLogEntry.objects.filter(action="supervision.import_units").count() == 1


def test_preview_lists_every_error_and_offers_no_confirm(staff, tree, client_for):
    client = client_for(staff.operator_a)
    rows = unit_rows(4, ["330110"], seed=12)
    rows[1]["从业人员数"] = "三百"
    rows[3]["行政区划代码"] = "330113"
    upload(client, unit_file(rows, fmt="xlsx"), name="units.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    page = client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert "三百" in page and "应为整数" in page and "不在您的辖区内" in page
    assert "确认导入" not in page
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 302
    assert ProductionUnit.objects.count() == 0


def test_bad_file_is_refused_at_upload_in_chinese(staff, client_for):
    client = client_for(staff.operator_a)
    response = upload(client, b"%PDF-1.7", name="scan.pdf")
    assert response.status_code == 200
    assert "只能导入 .xlsx 或 .csv 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_not_a_spreadsheet_file_fails_with_one_message(staff, client_for):
    client = client_for(staff.operator_a)
    upload(client, b"PK\x03\x04garbage", name="units.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "不是可读取的 Excel" in client.get(reverse("imports:inspect", args=[job.pk])).content.decode()


def test_large_files_run_as_a_background_task_with_progress(staff, tree, client_for, monkeypatch, django_capture_on_commit_callbacks):
    """Above the inline size the check is queued after commit (the test backend runs it at once)."""
    monkeypatch.setattr(import_jobs, "INLINE_BYTES", 10)
    seen = []
    original = import_jobs.import_job_execute

    def spy(**kwargs):
        seen.append(kwargs)
        original(**kwargs)

    monkeypatch.setattr(import_jobs, "import_job_execute", spy)
    monkeypatch.setattr("supervision.tasks.import_job_execute", spy)
    client = client_for(staff.operator_a)
    rows = unit_rows(30, ["330110"], seed=13)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client, unit_file(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALIDATING and seen == []  # queued, not run in the request
    assert "校验中" in client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert seen == [{"job_id": job.pk, "apply": False}]
    assert job.status == ImportStatus.READY
    assert (job.processed_rows, job.total_rows) == (30, 30)


def test_overseer_and_other_roles_cannot_import(staff, client_for):
    response = client_for(staff.overseer).get(reverse("imports:add"))
    assert response.status_code in (302, 403, 404)


def test_template_downloads_have_the_import_headers(staff, client_for):
    client = client_for(staff.operator_a)
    response = client.get(reverse("imports:template", args=["units", "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["统一社会信用代码", "单位名称", "行政区划代码"]
    csv_text = client.get(reverse("imports:template", args=["personnel", "csv"])).content.decode("utf-8-sig")
    assert csv_text.strip() == "统一社会信用代码,姓名,身份证号,岗位,手机号,任职日期,离任日期"
    assert client.get(reverse("imports:template", args=["units", "pdf"])).status_code == 404


@pytest.fixture
def register(tree):
    rows_a = unit_rows(6, ["330110"], seed=21)
    rows_b = unit_rows(4, ["330113"], seed=22)
    assert import_units(rows_a + rows_b, tree.city).ok
    assert import_people(person_rows(rows_a + rows_b, seed=23), tree.city).ok
    return rows_a, rows_b


def test_export_is_scoped_formula_safe_and_reimportable(staff, tree, register, client_for):
    rows_a, rows_b = register
    unit = ProductionUnit.objects.get(uscc=rows_a[0]["统一社会信用代码"])
    unit.name = "=HYPERLINK(\"http://evil\")"
    unit.legal_representative = "@SUM(A1)"
    unit.address = "+1+2"
    unit.save()
    client = client_for(staff.operator_a)
    response = client.get(reverse("units:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + len(rows_a)  # county B's units are not exported to county A
    cells = {v for row in values for v in row if isinstance(v, str)}
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'@SUM(A1)" in cells and "'+1+2" in cells
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@", "-")) for v in cells)
    csv_text = client.get(reverse("units:export", args=["csv"]) + "?size_class=small").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("统一社会信用代码,单位名称,行政区划代码")


def test_exported_file_reimports_unchanged(staff, tree, register, client_for):
    from supervision.services.register import register_import_file

    data = client_for(staff.overseer).get(reverse("units:export", args=["xlsx"])).content
    result = register_import_file(kind="units", data=data, filename="export.xlsx", jurisdiction=tree.city, actor=None, dry_run=True)
    assert result.ok, result.errors[:3]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)


def test_unit_list_filters_search_and_constant_queries(staff, tree, register, client_for, django_assert_max_num_queries):
    rows_a, _ = register
    client = client_for(staff.overseer)
    page = client.get(reverse("units:index")).content.decode()
    assert all(r["统一社会信用代码"] in page for r in rows_a)
    page = client.get(reverse("units:index") + f"?county={tree.county_b.pk}").content.decode()
    assert rows_a[0]["统一社会信用代码"] not in page
    name = rows_a[2]["单位名称"]
    page = client.get(reverse("units:index") + "?q=" + name[2:6]).content.decode()
    assert rows_a[2]["统一社会信用代码"] in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("units:index"))
    baseline = len(captured)
    assert 0 < baseline <= 30
    assert import_units(unit_rows(40, ["330110"], seed=99), tree.county_a).ok
    with django_assert_max_num_queries(baseline):
        client.get(reverse("units:index"))


def test_finding_filter_shows_units_without_a_director(staff, tree, register, client_for):
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    unit.director_required = True
    unit.save()
    Person.objects.filter(unit=unit, role="director").delete()
    page = client_for(staff.operator_a).get(reverse("units:index") + "?finding=no_director").content.decode()
    assert unit.uscc in page


def test_unit_page_masks_ids_and_county_staff_can_reveal_with_a_log(staff, tree, register, client_for):
    rows_a, _ = register
    unit = ProductionUnit.objects.get(uscc=rows_a[0]["统一社会信用代码"])
    person = unit.people.first()
    full_id = next(r["身份证号"] for r in person_rows(rows_a + register[1], seed=23) if r["姓名"] == person.name)
    client = client_for(staff.operator_a)
    page = client.get(reverse("units:inspect", args=[unit.pk])).content.decode()
    assert person.id_number_masked in page and full_id not in page
    response = client.post(reverse("people:reveal", args=[person.pk]))
    assert response.status_code == 200 and full_id in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = ModelLogEntry.objects.get(action="supervision.reveal_id")
    assert entry.user == staff.operator_a and entry.object_id == str(person.pk)


def test_city_overseer_cannot_reveal(staff, tree, register, client_for):
    person = Person.objects.filter(unit__county=tree.county_a).first()
    client = client_for(staff.overseer)
    page = client.get(reverse("units:inspect", args=[person.unit_id])).content.decode()
    assert "查看身份证号" not in page
    response = client.post(reverse("people:reveal", args=[person.pk]))
    assert response.status_code == 302
    assert not ModelLogEntry.objects.filter(action="supervision.reveal_id").exists()


def test_people_list_masks_ids_and_phones(staff, tree, register, client_for):
    page = client_for(staff.operator_a).get(reverse("people:index")).content.decode()
    person = Person.objects.filter(unit__county=tree.county_a).exclude(phone="").first()
    assert person.id_number_masked in page
    assert person.phone not in page and person.phone[-4:] in page


def test_editing_a_unit_rederives_its_size_class(staff, tree, register, client_for):
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    client = client_for(staff.operator_a)
    data = {
        "uscc": unit.uscc, "name": unit.name, "county": tree.county_a.pk, "address": unit.address,
        "legal_representative": unit.legal_representative, "phone": unit.phone, "employee_count": 1000,
        "revenue_wan": "", "mandatory_standard": "on", "status": "active",
    }
    response = client.post(reverse("units:edit", args=[unit.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.size_class == "large" and unit.director_required  # Art. 18, Art. 5(3)
    data["county"] = tree.county_b.pk
    response = client.post(reverse("units:edit", args=[unit.pk]), data)
    assert response.status_code == 200  # county B is not a choice for county A
    unit.refresh_from_db()
    assert unit.county == tree.county_a
