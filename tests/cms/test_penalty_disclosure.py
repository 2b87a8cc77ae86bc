"""行政处罚信息公示 (issue 18): a fine is disclosed through the approvers' workflow within 20 working
days of its decision (SAMR Order 45 Art. 8), a warning never (Art. 2); the page says what Art. 4
lists and no person's name (Art. 6); it is found on the public site by USCC; it is withdrawn when its
period ends (Art. 13), on credit repair (Art. 14: the unit applies, an approver decides) or when the decision
is corrected (行政处罚法 Art. 48 ¶2), with the reason kept, and never goes public again."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.models import PenaltyDisclosurePage
from cms.services_disclosure import penalty_disclosure_publish
from supervision.fake_register import unit_rows
from supervision.models import (
    CreditRepairApplication,
    DecisionKind,
    DecisionStatus,
    DisclosureStatus,
    OrderSource,
    PenaltyDecision,
    PenaltyDisclosure,
    ProductionUnit,
    RectificationOrder,
    RepairStatus,
    WithdrawalGround,
)
from supervision.selectors_disclosure import disclosures_due
from supervision.services import disclosure as svc
from supervision.services import enforcement, penalties
from supervision.workdays import working_days_after
from tests.cms.test_results_publication import approve
from tests.factories import fine_through_procedure, import_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(tree):
    assert import_units(unit_rows(3, [tree.county_a.code], seed=181), tree.county_a).ok
    assert import_units(unit_rows(1, [tree.county_b.code], seed=182), tree.county_b).ok
    return list(ProductionUnit.objects.filter(county=tree.county_a).order_by("pk"))


def overdue_order(staff, unit, operator=None):
    order = enforcement.order_issue(actor=operator or staff.operator_a, unit=unit, reason="未配备质量安全员",
                                    legal_basis=enforcement.ART_5_17, source_kind=OrderSource.REGISTER)
    enforcement.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    return RectificationOrder.objects.get(pk=order.pk)


@pytest.fixture
def fine(staff, units):
    return fine_through_procedure(order=overdue_order(staff, units[0]), approver=staff.approver_a, facts="逾期拒不改正：未配备质量安全员")


def public(staff, fine):
    page = approve(penalty_disclosure_publish(actor=staff.operator_a, decision=fine), staff.approver_a)
    return page, PenaltyDisclosure.objects.get(decision=fine)


def test_a_fine_is_public_only_once_an_approver_approves_and_is_found_by_uscc(staff, fine, client):
    page = penalty_disclosure_publish(actor=staff.operator_a, decision=fine)
    disclosure = PenaltyDisclosure.objects.get(decision=fine)
    assert not page.live and page.workflow_in_progress
    assert disclosure.status == DisclosureStatus.DRAFTED and disclosure.page_id == page.pk
    assert disclosure.due_on == working_days_after(fine.decided_on, 20)  # Order 45 Art. 8
    drafted = ModelLogEntry.objects.get(action="supervision.disclosure_draft")
    assert drafted.user_id == staff.operator_a.pk and drafted.data["to"] == "drafted" and drafted.data["page"] == page.pk
    search = client.get("/results/", {"q": fine.unit.uscc}).content.decode()
    assert fine.number not in search

    approve(page, staff.approver_a)
    disclosure.refresh_from_db()
    assert page.live and disclosure.status == DisclosureStatus.PUBLISHED
    assert disclosure.published_on == timezone.localdate()
    assert disclosure.ends_on == svc.add_months(disclosure.published_on, 36)  # Art. 13: three years
    body = client.get(page.url).content.decode()
    # Art. 4: number, party and USCC, facts, basis, penalty, authority, date; Art. 6: no one's name.
    for text in (fine.number, fine.unit.name, fine.unit.uscc, "未配备质量安全员", fine.legal_basis, "罚款", "20,000"):
        assert text in body
    assert staff.approver_a.get_full_name() not in body and staff.operator_a.get_full_name() not in body
    search = client.get("/results/", {"q": fine.unit.uscc}).content.decode()
    assert fine.number in search and page.url in search
    bureau = client.get(page.get_parent().url).content.decode()
    assert fine.number in bureau
    entry = ModelLogEntry.objects.get(action="supervision.disclosure_publish")
    assert entry.data["from"] == "drafted" and entry.data["to"] == "published" and entry.data["late"] is False


def test_a_warning_is_never_disclosed_nor_a_fine_twice(staff, units, fine):
    """Order 45 Art. 2: 仅受到警告行政处罚的不予公示."""
    order = enforcement.order_issue(actor=staff.operator_a, unit=units[1], reason="未落实日管控", legal_basis=enforcement.ART_5_17,
                                    source_kind=OrderSource.REGISTER, warning=True)
    warning = PenaltyDecision.objects.get(order=order, kind=DecisionKind.WARNING)
    pages = PenaltyDisclosurePage.objects.count()
    with pytest.raises(ValidationError):
        penalty_disclosure_publish(actor=staff.operator_a, decision=warning)
    penalty_disclosure_publish(actor=staff.operator_a, decision=fine)
    with pytest.raises(ValidationError):
        penalty_disclosure_publish(actor=staff.operator_a, decision=fine)
    assert PenaltyDisclosurePage.objects.count() == pages + 1 and PenaltyDisclosure.objects.count() == 1


def test_another_county_and_an_overseer_cannot_disclose(staff, fine):
    overseer = staff.overseer
    for actor in (staff.operator_b, overseer):
        with pytest.raises(PermissionDenied):
            penalty_disclosure_publish(actor=actor, decision=fine)
    assert not PenaltyDisclosure.objects.exists() and not PenaltyDisclosurePage.objects.exists()


def test_the_dashboard_lists_what_is_due_by_its_working_day_deadline(staff, fine, units):
    """Due within 20 working days of the decision: the boundary day is not overdue, the next is."""
    due_on = working_days_after(fine.decided_on, 20)
    rows, count = disclosures_due(user=staff.operator_a, today=due_on)
    assert count == 1 and rows[0].decision == fine and rows[0].due_on == due_on and not rows[0].overdue
    rows, _count = disclosures_due(user=staff.operator_a, today=due_on + timedelta(days=1))
    assert rows[0].overdue
    assert disclosures_due(user=staff.operator_b, today=due_on) == ([], 0)
    # Drafted but not approved: still due; public: off the list.
    page = penalty_disclosure_publish(actor=staff.operator_a, decision=fine)
    assert disclosures_due(user=staff.approver_a, today=due_on)[1] == 1
    approve(page, staff.approver_a)
    assert disclosures_due(user=staff.approver_a, today=due_on)[1] == 0


def test_withdrawal_at_the_period_s_end_and_not_a_day_before(staff, fine, client):
    page, disclosure = public(staff, fine)
    reason = "公示期满三年，停止公示"
    with pytest.raises(ValidationError):
        svc.disclosure_withdraw(actor=staff.approver_a, disclosure=disclosure, ground=WithdrawalGround.PERIOD_ENDED, reason=reason,
                                today=disclosure.ends_on - timedelta(days=1))
    with pytest.raises(PermissionDenied):  # the approvers withdraw, not the operator
        svc.disclosure_withdraw(actor=staff.operator_a, disclosure=disclosure, ground=WithdrawalGround.PERIOD_ENDED, reason=reason,
                                today=disclosure.ends_on)
    with pytest.raises(ValidationError):  # a reason is kept with the record
        svc.disclosure_withdraw(actor=staff.approver_a, disclosure=disclosure, ground=WithdrawalGround.PERIOD_ENDED, reason=" ",
                                today=disclosure.ends_on)
    page.refresh_from_db()
    assert page.live
    svc.disclosure_withdraw(actor=staff.approver_a, disclosure=disclosure, ground=WithdrawalGround.PERIOD_ENDED, reason=reason,
                            today=disclosure.ends_on)
    disclosure.refresh_from_db()
    page.refresh_from_db()
    assert disclosure.status == DisclosureStatus.WITHDRAWN and disclosure.withdrawal_reason == reason
    assert not page.live and page.withdrawn
    assert fine.number not in client.get("/results/", {"q": fine.unit.uscc}).content.decode()
    # Nobody publishes it again: the page's own permissions refuse.
    assert not page.permissions_for_user(staff.approver_a).can_publish()
    assert not page.permissions_for_user(staff.approver_a).can_edit()


def test_a_low_fine_is_public_for_three_months_where_the_province_sets_the_ceiling(staff, fine, settings):
    settings.PENALTY_LOW_FINE_MAX_YUAN = 20_000
    _page, disclosure = public(staff, fine)
    assert disclosure.ends_on == svc.add_months(disclosure.published_on, 3)


def test_add_months_keeps_the_day_or_takes_the_month_s_last():
    assert svc.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert svc.add_months(date(2027, 12, 4), 36) == date(2030, 12, 4)
    assert svc.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_credit_repair_the_unit_applies_and_the_approver_agrees(staff, fine, client, settings):
    page, disclosure = public(staff, fine)
    earliest = disclosure.published_on + timedelta(days=settings.PENALTY_REPAIR_AFTER_DAYS)
    statement = "罚款已缴清，已配备质量安全员并建立日管控制度"
    with time_machine.travel(earliest - timedelta(days=1), tick=False):
        with pytest.raises(ValidationError):  # too early
            svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=timezone.localdate(), statement=statement)
    with time_machine.travel(earliest, tick=False):
        with pytest.raises(ValidationError):  # the fine not yet paid
            svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=earliest, statement=statement)
        penalties.decision_set_status(actor=staff.operator_a, decision=fine, status=DecisionStatus.PAID)
        with pytest.raises(ValidationError):  # nothing stated
            svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=earliest, statement="  ")
        with pytest.raises(ValidationError):  # a date to come
            svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=earliest + timedelta(days=1), statement=statement)
        with pytest.raises(PermissionDenied):
            svc.repair_apply(actor=staff.operator_b, disclosure=disclosure, applied_on=earliest, statement=statement)
        application = svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=earliest, statement=statement)
        with pytest.raises(ValidationError):  # one application waits at a time
            svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=earliest, statement=statement)
        with pytest.raises(PermissionDenied):  # the operator does not decide
            svc.repair_decide(actor=staff.operator_a, application=application, agree=True, reason="同意")
        with pytest.raises(ValidationError):
            svc.repair_decide(actor=staff.approver_a, application=application, agree=True, reason="")
        svc.repair_decide(actor=staff.approver_a, application=application, agree=True, reason="已履行处罚决定，整改到位，同意信用修复")
    application.refresh_from_db()
    disclosure.refresh_from_db()
    page.refresh_from_db()
    assert application.status == RepairStatus.APPROVED and application.decided_by == staff.approver_a
    assert disclosure.status == DisclosureStatus.WITHDRAWN and disclosure.withdrawal_ground == WithdrawalGround.REPAIRED
    assert disclosure.withdrawal_reason == "已履行处罚决定，整改到位，同意信用修复"
    assert not page.live
    with pytest.raises(ValidationError):  # decided once
        svc.repair_decide(actor=staff.approver_a, application=application, agree=False, reason="再议")
    actions = list(ModelLogEntry.objects.filter(action__startswith="supervision.").filter(
        action__in=["supervision.repair_apply", "supervision.repair_decide", "supervision.disclosure_withdraw"]).values_list("action", flat=True))
    assert sorted(actions) == ["supervision.disclosure_withdraw", "supervision.repair_apply", "supervision.repair_decide"]


def test_no_credit_repair_after_a_new_penalty_for_the_same_kind_of_violation(staff, fine, units, settings):
    """Order 45 Art. 14 (三): penalized again on the same legal basis since: the application is refused;
    a penalty of another unit does not count."""
    settings.PENALTY_REPAIR_AFTER_DAYS = 0
    _page, disclosure = public(staff, fine)
    penalties.decision_set_status(actor=staff.operator_a, decision=fine, status=DecisionStatus.PAID)
    fine_through_procedure(order=overdue_order(staff, units[1]), approver=staff.approver_a)
    svc.repair_apply_check(disclosure=disclosure, applied_on=timezone.localdate(), statement="已缴款", today=timezone.localdate())
    order = enforcement.order_issue(actor=staff.operator_a, unit=units[0], reason="质量安全员未经考核合格上岗",
                                    legal_basis=enforcement.ART_5_17, source_kind=OrderSource.INSPECTION, source_id=1)
    enforcement.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    again = fine_through_procedure(order=RectificationOrder.objects.get(pk=order.pk), approver=staff.approver_a)
    assert again.legal_basis == fine.legal_basis
    with pytest.raises(ValidationError, match=again.number):
        svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=timezone.localdate(), statement="已缴款")
    assert not CreditRepairApplication.objects.exists()


def test_credit_repair_refused_keeps_the_disclosure_public(staff, fine, settings):
    settings.PENALTY_REPAIR_AFTER_DAYS = 0
    page, disclosure = public(staff, fine)
    penalties.decision_set_status(actor=staff.operator_a, decision=fine, status=DecisionStatus.PAID)
    application = svc.repair_apply(actor=staff.operator_a, disclosure=disclosure, applied_on=timezone.localdate(), statement="已缴款")
    svc.repair_decide(actor=staff.approver_a, application=application, agree=False, reason="违法行为尚未整改到位")
    disclosure.refresh_from_db()
    page.refresh_from_db()
    assert disclosure.status == DisclosureStatus.PUBLISHED and page.live
    assert CreditRepairApplication.objects.get().status == RepairStatus.REFUSED
    with pytest.raises(ValidationError):  # credit repair needs an agreed application
        svc.disclosure_withdraw(actor=staff.approver_a, disclosure=disclosure, ground=WithdrawalGround.REPAIRED, reason="修复")


def test_a_corrected_decision_withdraws_its_disclosure_and_the_new_one_is_due(staff, fine):
    """行政处罚法 Art. 48 ¶2: a decision changed is withdrawn with the reason; the correction is disclosed anew."""
    page, disclosure = public(staff, fine)
    new = penalties.decision_correct(actor=staff.approver_a, decision=fine, reason="罚款金额计算有误", fine_yuan=15_000)
    disclosure.refresh_from_db()
    page.refresh_from_db()
    assert disclosure.status == DisclosureStatus.WITHDRAWN and disclosure.withdrawal_ground == WithdrawalGround.DECISION_CHANGED
    assert "罚款金额计算有误" in disclosure.withdrawal_reason and not page.live
    rows, count = disclosures_due(user=staff.operator_a, today=timezone.localdate())
    assert count == 1 and rows[0].decision == new
    with pytest.raises(ValidationError):  # the superseded one is not disclosed again
        penalty_disclosure_publish(actor=staff.operator_a, decision=fine)
    new_page = approve(penalty_disclosure_publish(actor=staff.operator_a, decision=new), staff.approver_a)
    assert new_page.live and "15,000" in new_page.penalty


def test_console_pages_list_filter_and_act(staff, fine, units):
    client = Client()
    client.force_login(staff.operator_a)
    index = client.get(reverse("cms_disclosures"))
    assert index.status_code == 200 and fine.number in index.content.decode()
    assert fine.number not in client.get(reverse("cms_disclosures"), {"state": "published"}).content.decode()
    assert fine.number in client.get(reverse("cms_disclosures"), {"q": fine.unit.uscc[-6:]}).content.decode()
    detail = reverse("cms_disclosure", args=[fine.pk])
    assert client.get(detail).status_code == 200
    response = client.post(reverse("cms_disclosure_draft", args=[fine.pk, "publish"]))
    assert response.status_code == 302
    assert PenaltyDisclosure.objects.get(decision=fine).status == DisclosureStatus.DRAFTED
    again = client.post(reverse("cms_disclosure_draft", args=[fine.pk, "publish"]), follow=True)  # a double click
    assert again.status_code == 200 and PenaltyDisclosurePage.objects.count() == 1
    # The operator cannot withdraw; the neighbour's operator cannot see it at all.
    assert client.post(reverse("cms_disclosure_withdraw", args=[fine.pk, "withdraw"]), {"reason": "x"}).status_code in (302, 403)
    assert PenaltyDisclosure.objects.get(decision=fine).status == DisclosureStatus.DRAFTED
    neighbour = Client()
    neighbour.force_login(staff.operator_b)
    assert neighbour.get(detail).status_code == 404
    assert fine.number not in neighbour.get(reverse("cms_disclosures")).content.decode()
    # A bad application (no statement) is a form error, nothing written.
    approve(PenaltyDisclosurePage.objects.get(), staff.approver_a)
    bad = client.post(reverse("cms_disclosure_draft", args=[fine.pk, "apply"]), {"applied_on": "2026-13-01", "statement": ""})
    assert bad.status_code == 400 and not CreditRepairApplication.objects.exists()



def test_the_dashboard_panel_shows_what_is_due_to_the_county_and_the_overseer_only(staff, fine, units, client_for):
    due_on = working_days_after(fine.decided_on, 20).isoformat()
    for user in (staff.operator_a, staff.approver_a, staff.overseer):
        page = client_for(user).get(reverse("wagtailadmin_home")).content.decode()
        assert "待公示的行政处罚" in page and fine.number in page and due_on in page
    assert fine.number not in client_for(staff.operator_b).get(reverse("wagtailadmin_home")).content.decode()
    # Once public, nothing is due and the panel is gone.
    approve(penalty_disclosure_publish(actor=staff.operator_a, decision=fine), staff.approver_a)
    assert "待公示的行政处罚" not in client_for(staff.operator_a).get(reverse("wagtailadmin_home")).content.decode()


def test_the_dashboard_panel_reads_in_constant_queries(staff, fine, units, rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.panels import DisclosuresDuePanel

    def queries():
        request = rf.get("/admin/")
        request.user = staff.operator_a
        with CaptureQueriesContext(connection) as captured:
            html = DisclosuresDuePanel(request).render_html({})
        return len(captured), html

    one, html = queries()
    assert fine.number in html
    for unit in units[1:]:
        fine_through_procedure(order=overdue_order(staff, unit), approver=staff.approver_a, facts="逾期拒不改正：未配备质量安全员")
    three, html = queries()
    assert html.count("/admin/disclosures/") >= 3 and three == one
