"""Recording one on-site inspection (issue 17, journey 7): who may record, the late offline
delivery, hazards by client id, signing, the unit's confirmation, completion, the order from the
findings, and the console pages."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from inspection.models import CheckResult, FindingConsequence, Hazard, InspectionStatus, ItemCheck, RecordKind, RecordSighting
from inspection.services import findings, records
from supervision.authorization import may
from supervision.history import unit_history
from supervision.models import DecisionKind, OrderSource, RectificationOrder
from tests.factories import ROLES, make_staff

from .conftest import make_inspection

pytestmark = pytest.mark.django_db


def entry(action):
    return ModelLogEntry.objects.filter(action=action).order_by("-pk").first()


def fill(inspection, user, result=CheckResult.CONFORM):
    for check in inspection.checks.all():
        records.check_record(actor=user, check=check, result=result, note="")
    last_month = timezone.localdate() - timedelta(days=30)
    for kind in RecordKind.values:
        records.sighting_record(actor=user, inspection=inspection, kind=kind, seen=True, period_start=last_month, period_end=timezone.localdate())


def complete(inspection, inspectors):
    for staff in inspectors:
        records.inspector_sign(actor=staff.user, inspection=inspection)
    return records.representative_confirm(actor=inspectors[0].user, inspection=inspection, name="张三", post="质量安全总监")


def test_only_the_drawn_inspectors_record_and_only_while_open(inspection, inspectors, staff, tree):
    check = inspection.checks.first()
    colleague = make_staff("insp-other", ROLES.OPERATOR, tree.county_a).user  # same county, not drawn
    with pytest.raises(PermissionDenied) as refused:
        records.check_record(actor=colleague, check=check, result=CheckResult.CONFORM)
    assert str(refused.value) == "您不是本次检查抽取的检查人员。"
    with pytest.raises(PermissionDenied):
        records.check_record(actor=staff.operator_b, check=check, result=CheckResult.CONFORM)  # another county
    with pytest.raises(PermissionDenied):
        records.check_record(actor=staff.overseer, check=check, result=CheckResult.CONFORM)  # overseers change nothing
    assert not ItemCheck.objects.filter(pk=check.pk).exclude(result="").exists()
    assert may(inspectors[0].user, "inspection.record", inspection)

    fill(inspection, inspectors[0].user)
    complete(inspection, inspectors)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED
    with pytest.raises(PermissionDenied) as refused:
        records.check_record(actor=inspectors[0].user, check=check, result=CheckResult.NONCONFORM)
    assert str(refused.value) == "本次检查已完成或已撤回，记录不能再更改。"


def test_the_first_record_starts_the_inspection_and_is_logged_old_and_new(inspection, inspectors):
    check = inspection.checks.first()
    records.check_record(actor=inspectors[0].user, check=check, result=CheckResult.NONCONFORM, note="未见任命文件")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS
    logged = entry("inspection.check")
    assert logged.user == inspectors[0].user
    assert logged.data["result"] == {"old": "", "new": "nonconform"} and logged.data["status"] == {"old": "assigned", "new": "in_progress"}


def test_a_late_offline_delivery_does_not_overwrite_a_newer_entry(inspection, inspectors):
    check = inspection.checks.first()
    now = timezone.now()
    _c, applied = records.check_record(actor=inspectors[1].user, check=check, result=CheckResult.CONFORM, recorded_at=now - timedelta(minutes=1))
    assert applied
    # the other phone's queue delivers, an hour later, what it recorded ten minutes earlier
    _c, applied = records.check_record(actor=inspectors[0].user, check=check, result=CheckResult.NONCONFORM, note="旧", recorded_at=now - timedelta(minutes=10))
    assert not applied
    check.refresh_from_db()
    assert check.result == CheckResult.CONFORM and check.note == "" and check.recorded_by == inspectors[1].user
    assert ModelLogEntry.objects.filter(action="inspection.check").count() == 1
    # a phone clock ahead of the server's counts as now: it cannot shadow later entries
    records.check_record(actor=inspectors[0].user, check=check, result=CheckResult.NOT_APPLICABLE, recorded_at=now + timedelta(days=1))
    check.refresh_from_db()
    assert check.recorded_at <= timezone.now()


def test_the_records_seen_need_a_period_in_order_and_not_in_the_future(inspection, inspectors):
    user, today = inspectors[0].user, timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        records.sighting_record(actor=user, inspection=inspection, kind=RecordKind.DAILY, seen=True, period_start=today, period_end=today - timedelta(days=1))
    assert "记录期间的结束日期早于开始日期。" in refused.value.messages
    with pytest.raises(ValidationError) as refused:
        records.sighting_record(actor=user, inspection=inspection, kind=RecordKind.DAILY, seen=True, period_start=today, period_end=today + timedelta(days=1))
    assert "查阅的记录期间不能晚于今天。" in refused.value.messages
    with pytest.raises(ValidationError):
        records.sighting_record(actor=user, inspection=inspection, kind=RecordKind.WEEKLY, seen=True)
    assert not RecordSighting.objects.exists()
    sighting, applied = records.sighting_record(actor=user, inspection=inspection, kind=RecordKind.WEEKLY, seen=True,
                                                period_start=today - timedelta(days=90), period_end=today)
    assert applied and sighting.seen
    assert entry("inspection.sighting").data["record"] == "weekly"
    records.sighting_record(actor=user, inspection=inspection, kind=RecordKind.MONTHLY, seen=False, note="未建立月调度纪要")
    assert RecordSighting.objects.filter(inspection=inspection).count() == 2


def test_a_hazard_delivered_twice_is_one_row_and_a_later_entry_updates_it(inspection, inspectors):
    user, client_id, now = inspectors[0].user, uuid.uuid4(), timezone.now()
    for _ in range(2):
        records.hazard_record(actor=user, inspection=inspection, client_id=client_id, description="周排查发现的包装破损未整改",
                              record_kind=RecordKind.WEEKLY, corrected=False, recorded_at=now - timedelta(minutes=5))
    assert Hazard.objects.filter(inspection=inspection).count() == 1
    assert ModelLogEntry.objects.filter(action="inspection.hazard").count() == 1
    records.hazard_record(actor=user, inspection=inspection, client_id=client_id, description="周排查发现的包装破损未整改",
                          record_kind=RecordKind.WEEKLY, corrected=True, correction_note="已更换", recorded_at=now)
    hazard = Hazard.objects.get(inspection=inspection)
    assert hazard.corrected and entry("inspection.hazard").data["corrected"] == {"old": False, "new": True}
    with pytest.raises(ValidationError):
        records.hazard_record(actor=user, inspection=inspection, client_id=uuid.uuid4(), description="  ")


def test_signing_is_refused_while_items_or_records_are_missing(inspection, inspectors):
    user = inspectors[0].user
    records.check_record(actor=user, check=inspection.checks.first(), result=CheckResult.CONFORM)
    with pytest.raises(ValidationError) as refused:
        records.inspector_sign(actor=user, inspection=inspection)
    text = "；".join(refused.value.messages)
    assert "记录尚不完整：" in text and "第2项" in text and "尚无结果" in text and "每日工业产品质量安全检查记录" in text
    assert not inspection.assignments.filter(signed_at__isnull=False).exists()


def test_both_sign_once_the_unit_confirms_and_the_inspection_is_completed(inspection, inspectors):
    fill(inspection, inspectors[0].user)
    records.inspector_sign(actor=inspectors[0].user, inspection=inspection)
    assert entry("inspection.sign").data["cert_no"] == inspectors[0].enforcement_cert_no
    with pytest.raises(ValidationError) as refused:
        records.inspector_sign(actor=inspectors[0].user, inspection=inspection)
    assert refused.value.messages == ["您已在本记录上签字。"]
    with pytest.raises(ValidationError):  # signed: the record is fixed
        records.check_record(actor=inspectors[1].user, check=inspection.checks.first(), result=CheckResult.NONCONFORM)
    records.inspector_sign(actor=inspectors[1].user, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS  # the unit has not answered yet
    with pytest.raises(ValidationError):
        records.representative_confirm(actor=inspectors[1].user, inspection=inspection, name="李四", post="厂长", refused=True)
    records.representative_confirm(actor=inspectors[1].user, inspection=inspection, name="李四", post="厂长", refused=True, note="拒绝签字，两名检查人员在场见证")
    assert entry("inspection.confirm").data["representative_refused"] == {"old": False, "new": True}
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED and inspection.completed_at and inspection.inspected_on == timezone.localdate()
    assert entry("inspection.complete").data["status"] == {"old": "in_progress", "new": "completed"}


def _completed_with(inspection, inspectors, *, nonconform=(), hazard=None):
    user = inspectors[0].user
    fill(inspection, user)
    for check in inspection.checks.filter(position__in=nonconform):
        records.check_record(actor=user, check=check, result=CheckResult.NONCONFORM, note="未落实")
    if hazard:
        records.hazard_record(actor=user, inspection=inspection, client_id=uuid.uuid4(), description=hazard, record_kind=RecordKind.WEEKLY)
    return complete(inspection, inspectors)


def test_a_finding_becomes_one_order_with_the_items_articles_and_the_art17_warning(inspection, inspectors, staff):
    inspection = _completed_with(inspection, inspectors, nonconform=[1], hazard="第48周排查发现的配料记录缺失未整改")
    check = inspection.checks.get(position=1)
    assert check.item_version.consequence == FindingConsequence.ART17
    draft = findings.inspection_order_draft(inspection=inspection)
    assert draft.with_warning and check.item_version.title in draft.reason and "第48周排查发现的配料记录缺失未整改" in draft.reason
    order = findings.inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.order == order and order.source_kind == OrderSource.INSPECTION and order.source_id == inspection.pk
    assert check.item_version.legal_basis in order.legal_basis and "第十一条" in order.legal_basis  # the weekly review's hazard
    assert order.decisions.filter(kind=DecisionKind.WARNING).count() == 1
    assert entry("inspection.order").data["order"] == {"old": None, "new": order.number}
    with pytest.raises(ValidationError):
        findings.inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    assert RectificationOrder.objects.filter(unit=inspection.unit).count() == 1
    texts = [e.text for e in unit_history(inspection.unit)]
    assert any(inspection.plan.title in t and order.number in t for t in texts)


def test_a_hazard_alone_is_ordered_corrected_without_the_warning(inspection, inspectors, staff):
    inspection = _completed_with(inspection, inspectors, hazard="日管控发现的隐患未整改")
    order = findings.inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    assert not order.decisions.exists() and "第十一条" in order.legal_basis


def test_no_order_when_everything_conforms_or_before_completion(inspection, inspectors, staff):
    with pytest.raises(ValidationError):
        findings.inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    inspection = _completed_with(inspection, inspectors)
    with pytest.raises(ValidationError) as refused:
        findings.inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    assert "无需责令改正" in refused.value.messages[0]
    with pytest.raises(PermissionDenied):
        findings.inspection_order_issue(actor=staff.operator_b, inspection=inspection)
    assert not RectificationOrder.objects.exists()


def test_the_console_pages_answer_in_scope_and_404_outside(inspection, inspectors, staff, client_for):
    inspection = _completed_with(inspection, inspectors, nonconform=[2])
    own, neighbour = client_for(staff.operator_a), client_for(staff.operator_b)
    for name in ("inspection:detail", "inspection:print", "inspection:order"):
        url = reverse(name, args=[inspection.pk])
        assert own.get(url).status_code == 200, name
        assert neighbour.get(url).status_code == 404, name
    body = own.get(reverse("inspection:detail", args=[inspection.pk])).content.decode()
    assert inspection.unit.name in body and inspectors[0].enforcement_cert_no in body and "张三" in body
    assert client_for(staff.overseer).get(reverse("inspection:detail", args=[inspection.pk])).status_code == 200
    response = own.post(reverse("inspection:order", args=[inspection.pk]), {"deadline_days": "15"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.order is not None and (inspection.order.deadline - inspection.order.issued_on).days == 15


def test_the_phone_pages_list_my_inspections_and_save_entries(inspection, inspectors, staff, client_for, tree):
    phone = client_for(inspectors[0].user)
    listing = phone.get(reverse("inspection:mine")).content.decode()
    assert inspection.unit.name in listing
    assert "没有待办的检查任务" in client_for(make_staff("insp-none", ROLES.OPERATOR, tree.county_a).user).get(reverse("inspection:mine")).content.decode()
    page = phone.get(reverse("inspection:record", args=[inspection.pk]))
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    assert client_for(staff.operator_a).get(reverse("inspection:record", args=[inspection.pk])).status_code == 404  # not drawn
    assert client_for(staff.operator_b).get(reverse("inspection:record", args=[inspection.pk])).status_code == 404
    check = inspection.checks.first()
    save = reverse("inspection:save", args=[inspection.pk])
    body = {"kind": "check", "check": check.pk, "result": "nonconform", "note": "缺记录", "recorded_at": timezone.now().isoformat()}
    response = phone.post(save, json.dumps(body), content_type="application/json")
    assert response.json() == {"ok": True, "applied": True}
    response = phone.post(save, json.dumps(body), content_type="application/json")  # delivered again
    assert response.json() == {"ok": True, "applied": False}
    bad = phone.post(save, json.dumps({**body, "result": "maybe"}), content_type="application/json")
    assert bad.status_code == 400 and "请选择" in bad.json()["error"]
    other = client_for(staff.operator_b).post(save, json.dumps(body), content_type="application/json")
    assert other.status_code == 404
    signed = phone.post(reverse("inspection:sign", args=[inspection.pk]))
    assert signed.status_code == 302 and not inspection.assignments.filter(signed_at__isnull=False).exists()


def test_the_phone_scripts_have_no_chinese_of_their_own():
    """Their messages come from the JavaScript catalogue (/jsi18n/), like the exam's."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "static" / "js"
    for name in ("offline-queue.js", "inspection-record.js", "exam.js"):
        script = (root / name).read_text()
        assert not any("\u4e00" <= char <= "\u9fff" for char in script), name
    assert "window.OfflineQueue" in (root / "exam.js").read_text()  # one queue for the exam and the inspection
