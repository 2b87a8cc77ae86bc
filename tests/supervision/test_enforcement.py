"""Rectification and penalties (issue 8), Order 75 Art. 15-17: every transition and refusal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.models import OrderSource, OrderStatus, PenaltyDecision, ProductionUnit, RectificationOrder
from supervision.services import enforcement as svc
from supervision.services import penalties
from tests.factories import evidence_submit_pdf, fine_through_procedure, make_legal_settings, register_order, unit_of


@pytest.fixture
def unit(tree):
    return unit_of(tree.county_a, seed=61)


@pytest.fixture
def order(staff, unit):
    return register_order(actor=staff.operator_a, unit=unit, reason="未配备质量安全总监")


def evidence(order, staff):
    return evidence_submit_pdf(actor=staff.operator_a, order=order)


def test_issue_evidence_verify(staff, order):
    assert order.status == OrderStatus.ISSUED and order.deadline == order.issued_on + timedelta(days=30)
    with pytest.raises(ValidationError):
        svc.order_verify(actor=staff.operator_a, order=order)  # nothing submitted yet
    evidence(order, staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.EVIDENCE
    svc.order_verify(actor=staff.operator_a, order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.VERIFIED and order.closed_at
    with pytest.raises(ValidationError):
        svc.order_refuse(actor=staff.operator_a, order=order, note="x")


def test_issuing_twice_gives_one_open_order(staff, unit, order):
    again = svc.order_issue(actor=staff.operator_a, unit=unit, reason="x", legal_basis="y", source_kind=OrderSource.REGISTER)
    assert again.pk == order.pk


def test_an_exam_order_closes_only_after_the_resit_is_passed(staff, unit):
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="考核不合格", legal_basis=svc.ART_15,
                            source_kind=OrderSource.ASSESSMENT, source_id=7, requires_resit=True)
    evidence(order, staff)
    with pytest.raises(ValidationError, match="补考"):
        svc.order_verify(actor=staff.operator_a, order=order)
    svc.order_record_resit(unit_id=unit.pk, source_id=7, passed=False)  # a re-sit fails: still open
    with pytest.raises(ValidationError):
        svc.order_verify(actor=staff.operator_a, order=order)
    svc.order_record_resit(unit_id=unit.pk, source_id=7, passed=True)
    order.refresh_from_db()
    svc.order_verify(actor=staff.operator_a, order=order)
    assert RectificationOrder.objects.get(pk=order.pk).status == OrderStatus.VERIFIED


def test_periodic_task_marks_overdue_orders(staff, order):
    assert svc.orders_mark_overdue(today=order.deadline) == 0  # the deadline day itself is not late
    assert svc.orders_mark_overdue(today=order.deadline + timedelta(days=1)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.OVERDUE


def test_the_warning_comes_with_the_order_and_a_fine_only_after_overdue(staff, order):
    """Order 75 Art. 17: 责令改正，给予警告 in one step; 拒不改正的 (only then) a fine, once
    (行政处罚法 Art. 29), after the prior notice (Art. 44)."""
    warning = order.decisions.get()
    assert warning.kind == "warning" and warning.fine_yuan is None and warning.decided_on == order.issued_on
    make_legal_settings(order.unit.county)
    with pytest.raises(ValidationError):
        penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="拒不改正")  # not overdue yet
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    order.refresh_from_db()
    for amount in (4_999, 50_001, 4_000, 60_000):
        with pytest.raises(ValidationError, match="5,000|5000|五千|5 000|5,000 至"):
            penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=amount, facts="拒不改正")
    fine = fine_through_procedure(order=order, approver=staff.approver_a, fine_yuan=20_000)
    assert fine.fine_yuan == 20_000 and fine.number != warning.number
    # 行政处罚法 Art. 29: a second fine on the same order is refused, whatever the amount.
    for amount in (5_000, 20_000, 50_000):
        with pytest.raises(ValidationError):
            penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=amount, facts="x")
    assert PenaltyDecision.objects.filter(order=order, kind="fine").count() == 1


def test_a_refused_order_can_be_fined(staff, order):
    svc.order_refuse(actor=staff.operator_a, order=order, note="书面表示拒绝整改")
    order.refresh_from_db()
    assert fine_through_procedure(order=order, approver=staff.approver_a, fine_yuan=10_000).kind == "fine"


def test_an_operator_cannot_decide_a_fine(staff, order):
    make_legal_settings(order.unit.county)
    svc.order_refuse(actor=staff.operator_a, order=order, note="拒绝")
    order.refresh_from_db()
    with pytest.raises(PermissionDenied):
        penalties.notice_issue(actor=staff.operator_a, order=order, fine_yuan=10_000, facts="x")
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=10_000, facts="x")
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="放弃声明", received_on=notice.notified_on)
    with pytest.raises(PermissionDenied):
        penalties.fine_decide(actor=staff.operator_a, order=order, fine_yuan=10_000, facts="x")
    assert not PenaltyDecision.objects.filter(kind="fine").exists()


def test_the_database_enforces_the_fine_range(staff, order):
    for amount in (4_999, 50_001):
        with pytest.raises(IntegrityError), transaction.atomic():
            PenaltyDecision.objects.create(unit=order.unit, order=order, kind="fine", fine_yuan=amount, number=f"n{amount}",
                                           facts="x", legal_basis="y", decided_by=staff.approver_a, decided_on=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyDecision.objects.create(unit=order.unit, order=order, kind="warning", fine_yuan=100, number="w",
                                       facts="x", legal_basis="y", decided_by=staff.approver_a, decided_on=timezone.localdate())


def test_another_countys_staff_can_do_nothing(staff, order):
    with pytest.raises(PermissionDenied):
        evidence(order, type("S", (), {"operator_a": staff.operator_b}))
    with pytest.raises(PermissionDenied):
        svc.order_refuse(actor=staff.overseer, order=order, note="x")


def test_article_16_clears_the_staff_whose_advice_was_rejected(staff, order):
    from supervision.models import Person

    svc.order_record_rejected_advice(actor=staff.operator_a, order=order, note="总监建议停产整改，负责人未采纳", people=Person.objects.filter(unit=order.unit))
    order.refresh_from_db()
    assert order.advice_rejected and order.advice_note


def test_orders_for_register_findings(staff, tree, unit):
    orders = svc.orders_issue_for_findings(actor=staff.operator_a, units=ProductionUnit.objects.filter(county=tree.county_a))
    assert orders and all("质量安全员" in o.reason or "质量安全总监" in o.reason for o in orders)
