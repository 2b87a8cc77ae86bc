"""行政处罚信息 for the provincial credit platform (issue 18): the columns of the national standard in
order, fines and warnings of the period (both ends included), a superseded decision out and its
correction in, another county's out, formula-safe cells, xlsx and csv (with a BOM), a wrong role
and a bad period refused in Chinese with no file."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision.exports import PENALTY_COLUMNS
from supervision.fake_register import unit_rows
from supervision.imports.units import UNIT_COLUMNS
from supervision.models import PenaltyDecision
from supervision.services import penalties
from tests.cms.test_penalty_disclosure import overdue_order, units  # noqa: F401 (fixture)
from tests.factories import fine_through_procedure, import_units

pytestmark = pytest.mark.django_db


def sheet_of(content: bytes) -> list[list]:
    return [["" if v is None else v for v in row] for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


def rows_of(response):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content


def query(start, end, file_format="xlsx", download=True):
    data = {"start": start.isoformat(), "end": end.isoformat(), "file_format": file_format}
    if download:
        data["download"] = "1"
    return data


def test_fines_and_warnings_of_the_period_in_the_standard_columns(staff, units, client_for):  # noqa: F811
    unit = units[0]
    # The register's re-import renames the unit to a name a spreadsheet would run as a formula.
    headers = {c.key: c.header for c in UNIT_COLUMNS}
    rows = unit_rows(3, [unit.county.code], seed=181)
    next(r for r in rows if r[headers["uscc"]] == unit.uscc)[headers["name"]] = "=HYPERLINK(\"http://x\")有限公司"
    assert import_units(rows, unit.county).ok
    unit.refresh_from_db()
    assert unit.name.startswith("=HYPERLINK")
    fine = fine_through_procedure(order=overdue_order(staff, unit), approver=staff.approver_a)
    warning = PenaltyDecision.objects.get(order=fine.order, kind="warning")
    corrected = penalties.decision_correct(actor=staff.approver_a, decision=fine, reason="金额有误", fine_yuan=15_000)
    day = corrected.decided_on
    client = client_for(staff.operator_a)
    sheet = sheet_of(rows_of(client.get(reverse("penalties:export"), query(min(warning.decided_on, day), day))))
    assert sheet[0] == PENALTY_COLUMNS
    numbers = [row[4] for row in sheet[1:]]
    assert sorted(numbers) == sorted([warning.number, corrected.number]) and fine.number not in numbers  # superseded: out
    row = next(r for r in sheet[1:] if r[4] == corrected.number)
    assert row[0].startswith("'=HYPERLINK")  # formula-safe
    assert row[2] == unit.uscc and row[8] == "罚款" and row[10] in ("1.5", 1.5) and fine.number in row[9]
    assert next(r for r in sheet[1:] if r[4] == warning.number)[8] == "警告"
    # The period's ends: the last day included, the day after not.
    assert len(sheet_of(rows_of(client.get(reverse("penalties:export"), query(day + timedelta(days=1), day + timedelta(days=9)))))) == 1
    # CSV with a BOM, for Excel.
    data = rows_of(client.get(reverse("penalties:export"), query(min(warning.decided_on, day), day, "csv")))
    assert data.startswith("\ufeff".encode()) and corrected.number in data.decode("utf-8-sig")
    # Another county sees none of it; the count page says how many there are.
    other_rows = sheet_of(rows_of(client_for(staff.operator_b).get(reverse("penalties:export"), query(min(warning.decided_on, day), day))))
    assert other_rows == [PENALTY_COLUMNS]
    page = client.get(reverse("penalties:export"), query(min(warning.decided_on, day), day, download=False)).content.decode()
    assert "期间内共 2 件行政处罚" in page


def test_a_bad_period_or_a_stranger_gets_no_file(staff, units, client_for, client):  # noqa: F811
    url = reverse("penalties:export")
    response = client_for(staff.operator_a).get(url, {"start": "2026-12-31", "end": "2026-01-01", "file_format": "xlsx", "download": "1"})
    assert response.status_code == 200 and "attachment" not in response.get("Content-Disposition", "")
    assert "结束日期早于开始日期" in response.content.decode()
    response = client_for(staff.operator_a).get(url, {"start": "昨天", "end": "", "file_format": "xls", "download": "1"})
    assert response.status_code == 200 and "attachment" not in response.get("Content-Disposition", "")
    assert client.get(url, {"start": "2026-01-01", "end": "2026-12-31", "download": "1"}).status_code == 302  # the public: to the login
