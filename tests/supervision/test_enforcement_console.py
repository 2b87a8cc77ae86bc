from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.fake_register import unit_rows
from supervision.models import OrderSource, OrderStatus, PenaltyDecision, ProductionUnit
from supervision.services import enforcement as svc
from tests.factories import import_units, make_legal_settings


@pytest.fixture
def order(staff, tree):
    assert import_units(unit_rows(2, ["330110"], seed=71), tree.county_a).ok
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    return svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)


def test_journey_5_overdue_order_warning_notice_and_fine_through_the_console(staff, order, client_for):
    """Journey 5: the order carries the Art. 17 warning; overdue; the prior notice is previewed and
    sent (行政处罚法 Art. 44); the statement recorded (Art. 45); the fine previewed and decided once
    (Art. 29) after the period; 4,000, 60,000 and a second fine refused."""
    from supervision.models import PenaltyNotice
    from supervision.services import penalties

    make_legal_settings(order.unit.county)
    operator, approver = client_for(staff.operator_a), client_for(staff.approver_a)
    page = operator.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert order.number in page and "已下达" in page
    printed = operator.get(reverse("orders:print", args=[order.pk])).content.decode()
    warning = PenaltyDecision.objects.get(kind="warning")
    assert "责令改正通知书" in printed and warning.number in printed and order.unit.uscc in printed
    assert "杭州市余杭区人民政府" in printed and "杭州铁路运输法院" in printed  # the named review body and court
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    for amount in ("4000", "60000", "abc"):
        preview = approver.get(reverse("orders:notice", args=[order.pk]), {"fine_yuan": amount, "facts": "逾期未改正"})
        assert preview.status_code == 200 and "data-confirm" not in preview.content.decode()
        approver.post(reverse("orders:notice", args=[order.pk]), {"fine_yuan": amount, "facts": "逾期未改正"})
    assert not PenaltyNotice.objects.exists()
    preview = approver.get(reverse("orders:notice", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"}).content.decode()
    assert "20000" in preview and "data-confirm=" in preview and 'class="rights"' in preview and 'class="hearing"' in preview
    operator.post(reverse("orders:notice", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    assert not PenaltyNotice.objects.exists()  # an operator does not send it
    approver.post(reverse("orders:notice", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    notice = PenaltyNotice.objects.get()
    assert notice.intended_fine_yuan == 20000 and notice.hearing_offered
    printed = approver.get(reverse("orders:notice_print", args=[notice.pk])).content.decode()
    assert notice.number in printed and "20000" in printed and "行政服务中心" in printed
    operator.post(reverse("orders:action", args=[order.pk, "statement"]), {"text": "请求从轻处罚", "received_on": notice.notified_on.isoformat()})
    assert notice.statements.count() == 1
    # Before the period ends the decision is refused, in the preview and on POST.
    approver.post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    assert not PenaltyDecision.objects.filter(kind="fine").exists()
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="法定代表人书面放弃", received_on=notice.notified_on)
    preview = approver.get(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"}).content.decode()
    assert "data-confirm=" in preview and "中国工商银行杭州分行" in preview and 'class="surcharge"' in preview
    operator.post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    assert not PenaltyDecision.objects.filter(kind="fine").exists()  # an operator does not decide fines
    approver.post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "25000", "facts": "逾期未改正"})
    assert not PenaltyDecision.objects.filter(kind="fine").exists()  # above the notified amount (Art. 45)
    approver.post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "20000", "facts": "逾期未改正"})
    fine = PenaltyDecision.objects.get(kind="fine")
    assert fine.fine_yuan == 20000 and fine.notice == notice
    approver.post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "20000", "facts": "再罚"})
    assert PenaltyDecision.objects.filter(kind="fine").count() == 1  # 行政处罚法 Art. 29
    printed = approver.get(reverse("penalties:print", args=[fine.pk])).content.decode()
    assert "行政处罚决定书" in printed and "20000" in printed
    assert "中国工商银行杭州分行" in printed and "杭州市余杭区人民政府" in printed and "杭州铁路运输法院" in printed
    assert 'class="surcharge"' in printed and ("3%" in printed or "百分之三" in printed)
    assert "警告" in approver.get(reverse("penalties:print", args=[warning.pk])).content.decode()
    # The status is recorded from the order's page (served, then paid), and the page shows it.
    page = operator.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert f'data-decision-status="{fine.number}"' in page and f'data-decision-status="{warning.number}"' not in page
    response = approver.post(reverse("penalties:status", args=[fine.pk]), {"status": "served"})
    assert response.status_code == 302 and response.url == reverse("orders:inspect", args=[order.pk])
    fine.refresh_from_db()
    assert fine.status == "served"
    response = operator.post(reverse("penalties:status", args=[warning.pk]), {"status": "paid"}, follow=True)
    warning.refresh_from_db()
    assert warning.status != "paid" and "只有罚款" in response.content.decode()  # a warning is not paid
    operator.post(reverse("penalties:status", args=[fine.pk]), {"status": "bogus"})
    fine.refresh_from_db()
    assert fine.status == "served"
    assert client_for(staff.operator_b).post(reverse("penalties:status", args=[fine.pk]), {"status": "paid"}).status_code == 404
    assert client_for(staff.overseer).post(reverse("penalties:status", args=[fine.pk]), {"status": "paid"}).status_code in (302, 403)
    operator.post(reverse("penalties:status", args=[fine.pk]), {"status": "paid"})
    fine.refresh_from_db()
    assert fine.status == "paid"
    history = operator.get(reverse("units:inspect", args=[order.unit_id])).content.decode()
    assert order.number in history and fine.number in history and notice.number in history
    assert history.index(warning.number) < history.index(notice.number) < history.index(fine.number)


def test_an_approver_of_another_county_gets_404(staff, tree, order, client_for):
    from tests.factories import make_staff

    other = client_for(make_staff("ap-b", "approver", tree.county_b).user)
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    for name in ("notice", "fine"):
        assert other.get(reverse(f"orders:{name}", args=[order.pk]), {"fine_yuan": "20000"}).status_code == 404
        assert other.post(reverse(f"orders:{name}", args=[order.pk]), {"fine_yuan": "20000", "facts": "x"}).status_code == 404
    assert other.post(reverse("orders:action", args=[order.pk, "refuse"]), {"note": "x"}).status_code == 404
    assert other.get(reverse("penalties:correct", args=[order.decisions.get().pk]), {"reason": "x"}).status_code == 404


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


def test_a_bureau_administrator_keeps_the_legal_particulars(staff, tree, client_for):
    """行政处罚法 Art. 59, 67: payment place and method, review body and court, per bureau."""
    from supervision.models import BureauLegalSettings

    fields = {"jurisdiction": tree.county_a.pk, "bureau_name": "杭州市余杭区市场监督管理局", "address": "余杭区某路1号", "phone": "0571-1",
              "payment_place": "农业银行余杭支行", "payment_method": "非税缴款码", "review_authority": "杭州市余杭区人民政府", "court": "杭州铁路运输法院"}
    client_for(staff.operator_a).post(reverse("bureau_legal:add"), fields)
    assert not BureauLegalSettings.objects.exists()  # an operator does not
    admin = client_for(staff.admin_a)
    admin.post(reverse("bureau_legal:add"), {**fields, "jurisdiction": tree.county_b.pk})
    assert not BureauLegalSettings.objects.exists()  # not for another county's bureau
    admin.post(reverse("bureau_legal:add"), fields)
    bureau = BureauLegalSettings.objects.get()
    assert bureau.jurisdiction == tree.county_a and bureau.court == "杭州铁路运输法院"
    assert client_for(staff.operator_b).get(reverse("bureau_legal:edit", args=[bureau.pk])).status_code == 404


def test_orders_and_decisions_change_only_through_their_services(staff, order, client_for):
    """The generic edit form would move a deadline or a status around the state table and the log."""
    for user in (staff.operator_a, staff.approver_a, staff.admin_a):
        client = client_for(user)
        assert client.get(reverse("orders:edit", args=[order.pk])).status_code != 200
        client.post(reverse("orders:edit", args=[order.pk]), {"deadline": "2099-01-01"})
        warning = order.decisions.get()
        assert client.get(reverse("penalties:edit", args=[warning.pk])).status_code != 200
    order.refresh_from_db()
    assert order.deadline.year != 2099


def test_changing_the_legal_particulars_by_service_logs_what_changed(staff, tree):
    """The demo and the factories set the particulars through the service: each change is logged old → new."""
    from wagtail.models import ModelLogEntry

    from supervision.services.penalties import legal_settings_set

    bureau = make_legal_settings(tree.county_a)
    legal_settings_set(actor=staff.admin_a, jurisdiction=tree.county_a, court="杭州市余杭区人民法院", phone="0571-86000000")
    entry = ModelLogEntry.objects.filter(object_id=str(bureau.pk), action="wagtail.edit").get()
    assert entry.user == staff.admin_a
    assert entry.data == {"before": {"court": "杭州铁路运输法院"}, "after": {"court": "杭州市余杭区人民法院"}}  # the unchanged phone is not listed
