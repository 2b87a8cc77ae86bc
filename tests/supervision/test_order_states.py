"""An order's states say what the law says (Order 75 Art. 15-17): every transition in the table,
every refused one, each logged with its actor and old and new values."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from supervision.models import OrderSource, OrderStatus, RectificationOrder
from supervision.order_states import TRANSITIONS, transition_target
from supervision.services import enforcement as svc
from supervision.services.system import SYSTEM_USERNAME, system_actor
from tests.factories import evidence_submit_pdf, register_order, unit_of

ISSUED, EVIDENCE, VERIFIED, OVERDUE, REFUSED = (OrderStatus.ISSUED, OrderStatus.EVIDENCE, OrderStatus.VERIFIED, OrderStatus.OVERDUE, OrderStatus.REFUSED)
ACTIONS = ("evidence", "verify", "reject", "overdue", "refuse")


@pytest.fixture
def unit(tree):
    return unit_of(tree.county_a, seed=81)


@pytest.fixture
def order(staff, unit):
    return register_order(actor=staff.operator_a, unit=unit, reason="未配备质量安全员")


def entries(order, action):
    return list(ModelLogEntry.objects.filter(object_id=str(order.pk), action=action).order_by("pk"))


def submit(order, staff):
    return evidence_submit_pdf(actor=staff.operator_a, order=order)


def fresh(order):
    return RectificationOrder.objects.get(pk=order.pk)


# The table itself: what is allowed, and everything else refused.
EXPECTED = {
    ("evidence", ISSUED): EVIDENCE, ("evidence", EVIDENCE): EVIDENCE, ("evidence", OVERDUE): OVERDUE,
    ("verify", EVIDENCE): VERIFIED, ("verify", OVERDUE): VERIFIED,
    ("reject", EVIDENCE): ISSUED,
    ("overdue", ISSUED): OVERDUE, ("overdue", EVIDENCE): OVERDUE,
    ("refuse", ISSUED): REFUSED, ("refuse", EVIDENCE): REFUSED, ("refuse", OVERDUE): REFUSED,
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", OrderStatus.values)
def test_the_table_allows_what_the_law_allows_and_nothing_else(action, status):
    """Verified and refused are final (Art. 17: a refusal leads to the fine procedure, not back)."""
    if (action, status) in EXPECTED:
        assert transition_target(action, status) == EXPECTED[(action, status)]
    else:
        with pytest.raises(ValidationError):
            transition_target(action, status)
    assert set(TRANSITIONS) == set(EXPECTED)


def test_issued_evidence_verified_is_logged_with_its_actor(staff, order):
    """Art. 15 ¶3, Art. 17: the unit corrects, the bureau verifies."""
    issue = entries(order, "supervision.order_issue")[0]
    assert issue.user == staff.operator_a and issue.data["to"] == ISSUED
    submit(order, staff)
    assert fresh(order).status == EVIDENCE
    assert entries(order, "supervision.order_evidence")[0].data.items() >= {"from": ISSUED, "to": EVIDENCE}.items()
    svc.order_verify(actor=staff.operator_a, order=order)
    assert fresh(order).status == VERIFIED and fresh(order).closed_at
    assert entries(order, "supervision.order_verify")[0].data["from"] == EVIDENCE


def test_verify_is_refused_without_evidence(staff, order):
    with pytest.raises(ValidationError):
        svc.order_verify(actor=staff.operator_a, order=order)
    assert fresh(order).status == ISSUED and not entries(order, "supervision.order_verify")


def test_rejected_evidence_returns_the_order_with_a_reason_and_a_new_deadline(staff, order):
    submit(order, staff)
    with pytest.raises(ValidationError):
        svc.order_reject_evidence(actor=staff.operator_a, order=order, reason=" ", deadline_days=10)
    today = order.issued_on + timedelta(days=5)
    svc.order_reject_evidence(actor=staff.operator_a, order=order, reason="培训记录无签到表", deadline_days=10, today=today)
    order = fresh(order)
    assert order.status == ISSUED and order.deadline == today + timedelta(days=10)
    entry = entries(order, "supervision.order_reject")[0]
    assert entry.data["reason"] == "培训记录无签到表" and entry.data["from"] == EVIDENCE and entry.data["deadline"] == order.deadline.isoformat()
    with pytest.raises(ValidationError):  # nothing to reject now
        svc.order_reject_evidence(actor=staff.operator_a, order=order, reason="x", deadline_days=10)


def test_an_order_with_evidence_still_turns_overdue_under_the_system_actor(staff, order):
    """Art. 17: whether the unit corrected is judged at the deadline; evidence on file that was
    never verified does not stop the clock."""
    submit(order, staff)
    assert svc.orders_mark_overdue(today=order.deadline) == 0  # the deadline day itself is not late
    assert svc.orders_mark_overdue(today=order.deadline + timedelta(days=1)) == 1
    assert fresh(order).status == OVERDUE
    entry = entries(order, "supervision.order_overdue")[0]
    assert entry.user.username == SYSTEM_USERNAME and not entry.user.is_active and not entry.user.has_usable_password()
    assert entry.data["from"] == EVIDENCE and entry.data["to"] == OVERDUE
    assert svc.orders_mark_overdue(today=order.deadline + timedelta(days=2)) == 0  # once only


def test_late_evidence_keeps_the_order_overdue_until_verified(staff, order):
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    with pytest.raises(ValidationError):  # overdue, and nothing on file to verify
        svc.order_verify(actor=staff.operator_a, order=order)
    submit(fresh(order), staff)
    assert fresh(order).status == OVERDUE
    svc.order_verify(actor=staff.operator_a, order=order)
    assert fresh(order).status == VERIFIED
    assert [e.data["from"] for e in entries(order, "supervision.order_verify")] == [OVERDUE]


def test_a_refusal_is_recorded_with_its_facts_and_is_final(staff, order):
    with pytest.raises(ValidationError):
        svc.order_refuse(actor=staff.operator_a, order=order, note="  ")
    svc.order_refuse(actor=staff.operator_a, order=order, note="法定代表人书面表示不整改")
    assert fresh(order).status == REFUSED
    assert entries(order, "supervision.order_refuse")[0].data["note"] == "法定代表人书面表示不整改"
    for attempt in (lambda: submit(fresh(order), staff), lambda: svc.order_verify(actor=staff.operator_a, order=order),
                    lambda: svc.order_refuse(actor=staff.operator_a, order=order, note="x")):
        with pytest.raises(ValidationError):
            attempt()
    assert svc.orders_mark_overdue(today=order.deadline + timedelta(days=1)) == 0


def test_a_verified_order_is_closed_for_good(staff, order):
    submit(order, staff)
    svc.order_verify(actor=staff.operator_a, order=order)
    for attempt in (lambda: submit(fresh(order), staff), lambda: svc.order_refuse(actor=staff.operator_a, order=order, note="x"),
                    lambda: svc.order_reject_evidence(actor=staff.operator_a, order=order, reason="x", deadline_days=5)):
        with pytest.raises(ValidationError):
            attempt()
    assert svc.orders_mark_overdue(today=order.deadline + timedelta(days=1)) == 0


def test_a_re_exam_order_closes_only_after_the_re_exam_and_each_result_is_logged(staff, unit):
    """Art. 15 ¶1: 未通过考核的人员不得担任相应岗位: evidence alone does not close it."""
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="考核不合格", legal_basis=svc.ART_15,
                            source_kind=OrderSource.ASSESSMENT, source_id=9, requires_resit=True)
    submit(order, staff)
    with pytest.raises(ValidationError):
        svc.order_verify(actor=staff.operator_a, order=order)
    assert svc.order_record_resit(unit_id=unit.pk, source_id=9, passed=False) == 1  # a failed re-sit or an absence
    assert svc.order_record_resit(unit_id=unit.pk, source_id=9, passed=True) == 1
    logged = entries(order, "supervision.order_resit")
    assert [(e.data["from"], e.data["to"]) for e in logged] == [(False, False), (False, True)]
    assert all(e.user == system_actor() for e in logged)
    svc.order_verify(actor=staff.operator_a, order=order)
    assert fresh(order).status == VERIFIED


def test_an_assessment_order_carries_the_art_17_warning_too(staff, unit):
    """The decision in supervision.services.enforcement.WARNING_WITH_ORDER (Art. 15 ¶1, ¶3, Art. 17)."""
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="考核不合格", legal_basis=svc.ART_15,
                            source_kind=OrderSource.ASSESSMENT, source_id=3, requires_resit=True)
    warning = order.decisions.get()
    assert warning.kind == "warning" and warning.legal_basis == svc.ART_17 and warning.decided_by == staff.operator_a


def test_the_unit_history_tells_the_story_in_order(staff, order, client_for):
    from supervision.history import order_history, unit_history

    submit(order, staff)
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    seqs = [e.seq for e in unit_history(order.unit)]
    assert len(seqs) == 4 and seqs == sorted(seqs)  # issue, warning, evidence, overdue: by time, ties by log pk
    steps = [e.text for e in order_history(order)]
    warning = order.decisions.get(kind="warning")
    assert steps[0].startswith(order.number) and warning.number in steps[1]  # the order, then its warning
    actors = [e.actor for e in order_history(order)]
    assert actors[-1] and actors[-1] != actors[0]  # the overdue step is the system's, not the operator's
    page = client_for(staff.operator_a).get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert page.index(order.number) < page.index(warning.number)


def test_steps_logged_on_the_unit_before_this_change_stay_in_its_history(staff, order):
    from wagtail.log_actions import log

    from supervision.history import unit_history

    log(instance=order.unit, action="supervision.order_verify", user=staff.operator_a, data={"order": "旧文号〔2025〕1号"})
    assert any("旧文号〔2025〕1号" in e.text for e in unit_history(order.unit))


def test_the_overdue_command_logs_under_the_system_actor(staff, order):
    from django.core.management import call_command
    from django.utils import timezone

    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=(order.deadline - timezone.localdate()).days + 1)):  # the day after the deadline
        call_command("mark_overdue_orders")
    assert fresh(order).status == OVERDUE
    assert entries(order, "supervision.order_overdue")[0].user.username == SYSTEM_USERNAME
