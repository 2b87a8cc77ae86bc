"""Evidence is typed by its content and served only through a checked view (issue 15): an
evil.html named .pdf is refused, another county gets a 404, nothing is served from /media/."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from supervision.models import OrderEvidence, OrderSource, ProductionUnit
from supervision.services import enforcement as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(tree, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unit = ProductionUnit.objects.create(county=tree.county_a, name="余杭测试厂", uscc="91330110MA2H000021", address="余杭区")
    return svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name,content", [
    ("evil.html", b"<html><script>alert(1)</script></html>"),
    ("evil.pdf", b"<html><script>alert(1)</script>\x00</html>"),
    ("zip.xlsx", b"PK\x03\x04not really a zip"),
    ("empty.pdf", b""),
])
def test_files_that_are_not_what_we_accept_are_refused(order, staff, name, content):
    with pytest.raises(Exception) as refused:
        svc.evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile(name, content), description="材料")
    assert "PDF" in str(refused.value) or "csv" in str(refused.value)
    assert not OrderEvidence.objects.exists()


def test_evidence_is_served_by_content_type_and_only_in_scope(order, staff, client_for):
    pdf = svc.evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report"), description="整改报告")
    sheet = svc.evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile("培训签到.xlsx", _xlsx()), description="培训签到")
    operator = client_for(staff.operator_a)
    response = operator.get(reverse("orders:evidence_file", args=[pdf.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert not response["Content-Disposition"].startswith("attachment")
    response = operator.get(reverse("orders:evidence_file", args=[sheet.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(staff.operator_b).get(reverse("orders:evidence_file", args=[pdf.pk])).status_code == 404
    assert Client().get(reverse("orders:evidence_file", args=[pdf.pk])).status_code in (302, 403)
    assert Client().get("/media/" + pdf.file.name).status_code == 404
    page = operator.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert reverse("orders:evidence_file", args=[pdf.pk]) in page and "/media/" not in page


def test_a_gbk_csv_is_accepted(order, staff):
    content = "姓名,日期\n张三,2026-11-01\n".encode("gbk")
    evidence = svc.evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile("签到.csv", content), description="签到")
    assert evidence.pk
