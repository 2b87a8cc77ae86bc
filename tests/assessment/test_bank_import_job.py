"""The question bank imports through the register's ImportJob: upload → preview → confirm → write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from assessment.models import KnowledgeArea, Question, QuestionVersion
from supervision.models import ImportJob, ImportKind, ImportStatus

STARTER = "assessment/data/starter_questions.csv"
HEADER = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,正确答案,解析,知识领域,适用岗位,产品类别,依据,难度\n"
GOOD = "单选,月调度由谁主持？,质量安全员,单位主要负责人,质量安全总监,,,,B,,质量安全管理制度,通用,,第十二条,易\n"
JUDGE = "判断,日管控每日进行。,正确,错误,,,,,A,,质量安全管理制度,通用,,第十一条,易\n"


def upload(client, data: bytes, name="bank.csv"):
    return client.post(reverse("questions:import"), {"file": SimpleUploadedFile(name, data)})


def starter_bytes() -> bytes:
    with open(STARTER, "rb") as f:
        return f.read()


@pytest.fixture
def area(db):
    return KnowledgeArea.objects.get(name="质量安全管理制度")


def test_upload_previews_then_confirm_writes_once_and_the_file_goes(staff, client_for, db):
    client = client_for(staff.approver_a)
    response = upload(client, starter_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:inspect", args=[job.pk])
    assert job.kind == ImportKind.QUESTIONS and job.status == ImportStatus.READY
    assert job.created_by == staff.approver_a and job.data
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and f">{job.result['created']}<" in page
    assert not Question.objects.exists()

    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 302
    count = Question.objects.count()
    assert count == job.result["created"] >= 150
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and bytes(job.data) == b""
    assert client.get(reverse("imports:file", args=[job.pk])).status_code == 404
    entry = ModelLogEntry.objects.get(action="assessment.import_questions")
    assert entry.user == staff.approver_a and entry.data["created"] == count
    assert "bank.csv (sha256 " in entry.data["file"]
    page = client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert f'href="{reverse("questions:index")}"' in page and "确认导入" not in page

    again = client.post(reverse("imports:confirm", args=[job.pk]))  # a double click
    assert again.status_code == 302 and Question.objects.count() == count
    assert ModelLogEntry.objects.filter(action="assessment.import_questions").count() == 1


def test_row_errors_are_listed_per_row_and_nothing_can_be_confirmed(staff, client_for, area):
    client = client_for(staff.approver_a)
    bad = "单选,题一,甲,乙,丙,丁,,,AB,,质量安全管理制度,通用,,第十条,易\n" "问答,题四,甲,乙,,,,,A,,不存在的领域,厂长,,第十条,中\n"
    response = upload(client, (HEADER + GOOD + bad).encode("gb18030"))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID and bytes(job.data) == b""
    page = client.get(response.url).content.decode()
    assert "单选题只能有一个正确答案" in page and "不存在的领域" in page and "确认导入" not in page
    rows = {e["row"] for e in job.result["errors"]}
    assert rows == {3, 4} and job.result["total_rows"] == 3
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 302
    assert not Question.objects.exists()


def test_confirm_rechecks_and_writes_nothing_when_the_bank_changed(staff, client_for, area):
    client = client_for(staff.approver_a)
    upload(client, (HEADER + GOOD + JUDGE).encode())
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY and job.result["created"] == 2
    area.name = "已改名的领域"  # the rows' knowledge area is renamed before the confirmation
    area.save()
    response = client.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID and "未写入任何数据" in response.content.decode()
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()


def test_an_operator_may_neither_upload_nor_confirm_questions(staff, client_for, db):
    operator = client_for(staff.operator_a)
    refused = upload(operator, starter_bytes())
    assert refused.status_code in (302, 403) and not ImportJob.objects.exists()
    upload(client_for(staff.approver_a), starter_bytes())
    job = ImportJob.objects.get()
    operator.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not Question.objects.exists()
    page = operator.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert "确认导入" not in page  # the bureau's staff see the job; only the bank's approvers confirm it


def test_another_countys_question_job_is_a_404(staff, client_for, db):
    upload(client_for(staff.approver_a), starter_bytes())
    job = ImportJob.objects.get()
    other = client_for(staff.operator_b)
    assert other.get(reverse("imports:inspect", args=[job.pk])).status_code == 404
    assert other.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    assert not Question.objects.exists()


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.7", "scan.pdf", "只能导入 .xlsx 或 .csv 文件"),
    (b"PK\x03\x04broken", "bank.xlsx", "Excel"),
    (b"", "bank.csv", "文件为空"),
])
def test_a_bad_file_is_refused_in_chinese_and_nothing_is_written(staff, client_for, db, data, name, message):
    response = upload(client_for(staff.approver_a), data, name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Question.objects.exists()
    assert not ImportJob.objects.exclude(status=ImportStatus.FAILED).exists()
    assert all(bytes(job.data) == b"" for job in ImportJob.objects.all())
