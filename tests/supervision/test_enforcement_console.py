from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.fake_register import unit_rows
from supervision.models import OrderSource, OrderStatus, PenaltyDecision, ProductionUnit
from supervision.services import enforcement as svc
from tests.factories import import_units


@pytest.fixture
def order(staff, tree):
    assert import_units(unit_rows(2, ["330110"], seed=71), tree.county_a).ok
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    return svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)


def test_journey_5_overdue_order_warning_and_fine_through_the_console(staff, order, client_for):
    operator, approver = client_for(staff.operator_a), client_for(staff.approver_a)
    page = operator.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert order.number in page and "已下达" in page
    printed = operator.get(reverse("orders:print", args=[order.pk])).content.decode()
    assert "责令改正通知书" in printed and "行政复议" in printed and order.unit.uscc in printed
    approver.post(reverse("orders:action", args=[order.pk, "warning"]), {"facts": ""})
    assert PenaltyDecision.objects.filter(kind="warning").count() == 1
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    for amount in ("4000", "60000", "abc"):
        approver.post(reverse("orders:action", args=[order.pk, "fine"]), {"fine_yuan": amount, "facts": "逾期未改正"})
    assert not PenaltyDecision.objects.filter(kind="fine").exists()
    operator.post(reverse("orders:action", args=[order.pk, "fine"]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    assert not PenaltyDecision.objects.filter(kind="fine").exists()  # an operator does not decide fines
    approver.post(reverse("orders:action", args=[order.pk, "fine"]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    fine = PenaltyDecision.objects.get(kind="fine")
    assert fine.fine_yuan == 20000
    printed = approver.get(reverse("penalties:print", args=[fine.pk])).content.decode()
    assert "行政处罚决定书" in printed and "20000" in printed and "行政诉讼" in printed
    warning = PenaltyDecision.objects.get(kind="warning")
    assert "警告" in approver.get(reverse("penalties:print", args=[warning.pk])).content.decode()
    approver.post(reverse("penalties:status", args=[fine.pk]), {"status": "served"})
    fine.refresh_from_db()
    assert fine.status == "served"
    history = operator.get(reverse("units:inspect", args=[order.unit_id])).content.decode()
    assert order.number in history and fine.number in history


def test_evidence_and_verification_through_the_console(staff, order, client_for):
    operator = client_for(staff.operator_a)
    operator.post(reverse("orders:action", args=[order.pk, "verify"]))
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    operator.post(reverse("orders:action", args=[order.pk, "evidence"]), {"file": SimpleUploadedFile("任命文件.pdf", b"%PDF"), "description": "任命文件"})
    operator.post(reverse("orders:action", args=[order.pk, "verify"]))
    order.refresh_from_db()
    assert order.status == OrderStatus.VERIFIED


def test_due_and_overdue_lists(staff, order, client_for):
    client = client_for(staff.overseer)
    assert order.number in client.get(reverse("orders:index") + "?due=week").content.decode() or order.deadline > order.issued_on + timedelta(days=7)
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    assert order.number in client.get(reverse("orders:index") + "?due=overdue").content.decode()
    assert order.number not in client_for(staff.operator_b).get(reverse("orders:index")).content.decode()


def test_orders_for_register_findings_from_the_console(staff, tree, client_for):
    assert import_units(unit_rows(3, ["330110"], seed=72), tree.county_a).ok
    client_for(staff.operator_a).post(reverse("orders:findings"))
    assert ProductionUnit.objects.filter(county=tree.county_a, orders__isnull=False).exists()
    assert not ProductionUnit.objects.filter(county=tree.county_b, orders__isnull=False).exists()


def test_overdue_command(staff, order, capsys):
    from django.core.management import call_command

    call_command("mark_overdue_orders")
    assert "0" in capsys.readouterr().out


def test_dashboard_shows_due_and_overdue_per_county_for_the_overseer(staff, order, client_for):
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    page = client_for(staff.overseer).get(reverse("wagtailadmin_home")).content.decode()
    assert "余杭区" in page and "due=overdue" in page
    other = client_for(staff.operator_b).get(reverse("wagtailadmin_home")).content.decode()
    assert "due=overdue" not in other
