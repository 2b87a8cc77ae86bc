"""The quality credit record and its A–D classes (issue 18, DESIGN.md §8): every push once, each
rule at its boundary, the explanation, recompute on a new event, the unit page in scope only, the
rules versioned and logged and changed only by approvers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from inspection.models import CheckResult, InspectionItem, RecordKind
from inspection.services import records
from supervision.fake_register import unit_rows
from supervision.models import (
    CreditEvent, CreditEventKind as K, CreditRuleSet, CreditSourceKind, OrderSource, ProductionUnit, UnitCreditClass,
)
from supervision.selectors_credit import credit_rule_set_current, unit_credit_class
from supervision.services import credit
from supervision.services import enforcement as orders
from supervision.services.credit_backfill import FINDING_OPEN_LONG_DAYS, credit_backfill, credit_findings_open_long
from tests.factories import ROLES, fine_through_procedure, import_units, make_staff, open_session_with_tickets, sit

from ..inspection.conftest import make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(tree):
    assert import_units(unit_rows(3, [tree.county_a.code], seed=181), tree.county_a).ok
    return ProductionUnit.objects.filter(county=tree.county_a).order_by("pk").first()


def kinds(unit) -> list[str]:
    return sorted(CreditEvent.objects.filter(unit=unit).values_list("kind", flat=True))


def entry(action):
    return ModelLogEntry.objects.filter(action=action).order_by("-pk").first()


def issue(staff, unit, source_kind=OrderSource.REGISTER):
    return orders.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=orders.ART_5_17, source_kind=source_kind)


def test_an_order_and_its_warning_are_recorded_once(staff, unit):
    order = issue(staff, unit)
    assert kinds(unit) == [K.ORDER_ISSUED, K.WARNING]
    event = CreditEvent.objects.get(unit=unit, kind=K.ORDER_ISSUED)
    assert (event.source_kind, event.source_id, event.source_label) == (CreditSourceKind.ORDER, order.pk, order.number)
    assert "第五条、第十七条" in event.article and event.occurred_on == order.issued_on
    assert CreditEvent.objects.get(unit=unit, kind=K.WARNING).article.endswith("第十七条")  # Order 75 Art. 17
    logged = entry("supervision.credit_event")
    assert logged.user == staff.operator_a and logged.data["unit"] == unit.pk
    issue(staff, unit)  # the same matter again: one open order, no second event
    assert credit_backfill() == {"assessment": 0, "inspection": 0, "supervision": 0}  # the re-push changes nothing
    assert kinds(unit) == [K.ORDER_ISSUED, K.WARNING]


def test_verification_lightens_and_is_recorded(staff, unit):
    order = issue(staff, unit)
    orders.evidence_submit(actor=staff.operator_a, order=order, file=SimpleUploadedFile("培训记录.pdf", b"%PDF-1.4"), description="培训记录")
    before = unit_credit_class(unit=unit).score
    orders.order_verify(actor=staff.operator_a, order=order)
    assert K.ORDER_VERIFIED in kinds(unit)
    rules = {r.kind: r.weight for r in credit_rule_set_current().rules.all()}
    assert rules[K.ORDER_VERIFIED] < 0 and unit_credit_class(unit=unit).score == before + rules[K.ORDER_VERIFIED]


def test_overdue_refusal_and_fine_are_recorded_once_and_weigh_to_d(staff, unit):
    """Order 75 Art. 17: 拒不改正的，处五千元以上五万元以下罚款 - overdue, refused and fined is class D."""
    order = issue(staff, unit)
    late = order.deadline + timedelta(days=1)
    assert orders.orders_mark_overdue(today=late) == 1
    overdue = CreditEvent.objects.get(unit=unit, kind=K.ORDER_OVERDUE)
    assert overdue.occurred_on == late and entry("supervision.credit_event").user.username == "system"
    # The seeded rules: issued 5 + warning 10 + overdue 30 = 45, B (C from 60); refused +40 = 85, C; fined +50 = 135, D.
    assert (unit_credit_class(unit=unit).letter, unit_credit_class(unit=unit).score) == ("B", 45)
    order.refresh_from_db()
    orders.order_refuse(actor=staff.operator_a, order=order, note="拒绝整改")
    assert (unit_credit_class(unit=unit).letter, unit_credit_class(unit=unit).score) == ("C", 85)
    decision = fine_through_procedure(order=order, approver=staff.approver_a)
    assert kinds(unit) == sorted([K.ORDER_ISSUED, K.WARNING, K.ORDER_OVERDUE, K.ORDER_REFUSED, K.FINE])
    fine = CreditEvent.objects.get(unit=unit, kind=K.FINE)
    assert fine.source_label == decision.number and "第十七条" in fine.article
    cls = unit_credit_class(unit=unit)
    assert cls.letter == "D" and cls.explanation.startswith("D")
    assert decision.number in cls.explanation and order.number in cls.explanation
    assert credit_backfill()["supervision"] == 0
    assert CreditEvent.objects.filter(unit=unit).count() == 5


def test_a_corrected_fine_stays_one_event_naming_the_correction(staff, unit):
    """行政处罚法 Art. 29: a correction replaces the decision, never adds one; the record keeps one
    fine, dated as first decided, naming the correcting decision, and a backfill adds nothing."""
    from supervision.services import penalties

    order = issue(staff, unit)
    orders.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    order.refresh_from_db()
    decision = fine_through_procedure(order=order, approver=staff.approver_a)
    before = unit_credit_class(unit=unit)
    new = penalties.decision_correct(actor=staff.approver_a, decision=decision, reason="罚款金额计算有误", fine_yuan=10_000)
    fine = CreditEvent.objects.get(unit=unit, kind=K.FINE)
    assert (fine.source_id, fine.source_label, fine.occurred_on) == (new.pk, new.number, decision.decided_on)
    logged = entry("supervision.credit_event_transfer")
    assert logged.user == staff.approver_a and decision.number in logged.data["from"] and new.number in logged.data["to"]
    assert credit_backfill()["supervision"] == 0 and CreditEvent.objects.filter(unit=unit, kind=K.FINE).count() == 1
    after = unit_credit_class(unit=unit)
    assert (after.letter, after.score) == (before.letter, before.score)


def test_backfill_rebuilds_the_record_from_orders_and_decisions(staff, unit):
    order = issue(staff, unit)
    orders.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    CreditEvent.objects.all().delete()  # a record that predates the credit module
    call_command("credit_backfill", verbosity=0)
    assert kinds(unit) == [K.ORDER_ISSUED, K.ORDER_OVERDUE, K.WARNING]
    assert CreditEvent.objects.get(kind=K.ORDER_OVERDUE).occurred_on == order.deadline + timedelta(days=1)
    call_command("credit_backfill", verbosity=0)
    assert CreditEvent.objects.count() == 3


def test_a_closed_round_pushes_each_unit_s_outcome_once(staff, tree):
    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=4)
    passed_unit = issued[0].ticket.person.unit_id
    for item in issued:
        sit(item.ticket, right=item.ticket.person.unit_id == passed_unit)
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        from assessment.services import sampling
        from assessment.services.results import assessment_credit_report

        plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
        events = CreditEvent.objects.filter(source_kind=CreditSourceKind.ASSESSMENT, source_id=plan.pk)
        units = {item.ticket.person.unit_id for item in issued}
        assert set(events.values_list("unit_id", flat=True)) == units
        assert events.get(unit_id=passed_unit).kind == K.ASSESSMENT_PASSED
        assert set(events.exclude(unit_id=passed_unit).values_list("kind", flat=True)) == {K.ASSESSMENT_FAILED}
        assert all("第十五条" in e.article and e.source_label == plan.title for e in events)
        assert assessment_credit_report(plan=plan) == []  # reported again: nothing new
        assert credit_backfill()["assessment"] == 0
        failed = events.exclude(unit_id=passed_unit).first()
        cls = UnitCreditClass.objects.get(unit_id=failed.unit_id)
        assert cls.letter == "B" and plan.title in cls.explanation  # 30 for the failure, below C until an order runs late
        assert UnitCreditClass.objects.get(unit_id=passed_unit).letter == "A"


@pytest.fixture
def inspectors(tree):
    return [make_staff(f"insp-{i}", ROLES.OPERATOR, tree.county_a, full_name=f"检查员{i}", enforcement_cert_no=f"3301100{i}") for i in (1, 2)]


def _complete(inspection, inspectors, nonconform: bool):
    user = inspectors[0].user
    for check in inspection.checks.all():
        records.check_record(actor=user, check=check, result=CheckResult.NONCONFORM if nonconform and check.position == 1 else CheckResult.CONFORM)
    month_ago = timezone.localdate() - timedelta(days=30)
    for kind in RecordKind.values:
        records.sighting_record(actor=user, inspection=inspection, kind=kind, seen=True, period_start=month_ago, period_end=timezone.localdate())
    for staff in inspectors:
        records.inspector_sign(actor=staff.user, inspection=inspection)
    return records.representative_confirm(actor=user, inspection=inspection, name="张三", post="质量安全总监")


def test_a_completed_inspection_pushes_passed_or_findings_once(tree, inspectors):
    from inspection.services.credit import inspection_credit_report

    call_command("load_inspection_items", verbosity=0)
    items = list(InspectionItem.objects.select_related("current_version").order_by("sort_order")[:3])
    assert import_units(unit_rows(2, [tree.county_a.code], seed=182), tree.county_a).ok
    clean, faulty = ProductionUnit.objects.filter(county=tree.county_a).order_by("pk")[:2]
    first = _complete(make_inspection(clean, inspectors, items), inspectors, nonconform=False)
    second = _complete(make_inspection(faulty, inspectors, items), inspectors, nonconform=True)
    assert kinds(clean) == [K.INSPECTION_PASSED] and kinds(faulty) == [K.INSPECTION_FINDINGS]
    event = CreditEvent.objects.get(unit=faulty)
    assert (event.source_id, event.occurred_on, event.detail) == (second.pk, second.inspected_on, "1") and "第十四条" in event.article
    assert inspection_credit_report(inspection=first) == [] and credit_backfill()["inspection"] == 0
    assert entry("supervision.credit_event").user == inspectors[0].user


def test_an_order_open_for_long_is_recorded_once_from_the_day_its_period_ends(staff, unit):
    order = issue(staff, unit)
    due = order.issued_on + timedelta(days=FINDING_OPEN_LONG_DAYS)
    assert credit_findings_open_long(today=due - timedelta(days=1)) == 0  # one day short
    assert credit_findings_open_long(today=due) == 1
    assert CreditEvent.objects.get(unit=unit, kind=K.FINDING_OPEN_LONG).occurred_on == due
    assert credit_findings_open_long(today=due + timedelta(days=30)) == 0  # once per order
    call_command("credit_recompute", verbosity=0)
    assert entry("supervision.credit_recompute").data["units"] == 3


# --- the rules, each at its boundary --------------------------------------------------------------


def rules_with(**weights):
    """Every kind at weight 0 but the given ones, 24-month windows, thresholds B 10, C 20, D 30."""
    return [{"kind": k, "weight": weights.get(k, 0), "window_months": 24, "rationale": "测试"} for k in K.values]


def push(unit, kind, occurred_on, source_id=1):
    return credit.credit_event_record(unit=unit, kind=kind, occurred_on=occurred_on, source_kind=CreditSourceKind.ORDER,
                                      source_id=source_id, source_label=f"测试通知{source_id}", article="第十七条")


def test_each_threshold_at_its_edge(staff, unit):
    credit.credit_rule_set_change(actor=staff.approver_a, b_from=10, c_from=20, d_from=30, rules=rules_with(warning=1), note="测试阈值")
    today = timezone.localdate()
    letters = []
    for n in range(1, 31):
        push(unit, K.WARNING, today, source_id=n)
        letters.append(unit_credit_class(unit=unit).letter)
    # score 9 is A, 10 B; 19 B, 20 C; 29 C, 30 D: "from" includes the number itself.
    assert letters[8:10] == ["A", "B"] and letters[18:20] == ["B", "C"] and letters[28:30] == ["C", "D"]


def test_the_window_edge_counts_the_first_day_and_not_the_day_before(staff, unit):
    credit.credit_rule_set_change(actor=staff.approver_a, b_from=10, c_from=20, d_from=30, rules=rules_with(order_overdue=10), note="测试窗口")
    today = timezone.localdate()
    first_day = credit.months_before(today, 24)
    push(unit, K.ORDER_OVERDUE, first_day - timedelta(days=1), source_id=1)
    assert unit_credit_class(unit=unit).letter == "A"
    push(unit, K.ORDER_OVERDUE, first_day, source_id=2)
    assert unit_credit_class(unit=unit).score == 10
    credit.credit_classes_recompute(today=today + timedelta(days=1))  # a day later the edge event has left the window
    assert unit_credit_class(unit=unit).score == 0


def test_months_before_keeps_the_day_or_the_month_s_last_day():
    from datetime import date

    assert credit.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert credit.months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)


def test_a_lightening_event_offsets_a_heavy_one(staff, unit):
    credit.credit_rule_set_change(actor=staff.approver_a, b_from=10, c_from=20, d_from=30,
                                  rules=rules_with(order_overdue=15, order_verified=-10), note="测试减分")
    today = timezone.localdate()
    push(unit, K.ORDER_OVERDUE, today, source_id=1)
    assert unit_credit_class(unit=unit).letter == "B"
    push(unit, K.ORDER_VERIFIED, today, source_id=1)
    cls = unit_credit_class(unit=unit)
    assert (cls.letter, cls.score) == ("A", 5)


def test_the_explanation_names_the_heaviest_events_first(staff, unit):
    credit.credit_rule_set_change(actor=staff.approver_a, b_from=10, c_from=20, d_from=30, rules=rules_with(fine=20, warning=5),
                                  note="测试说明")
    today = timezone.localdate()
    push(unit, K.WARNING, today, source_id=3)
    push(unit, K.FINE, today, source_id=4)
    text = unit_credit_class(unit=unit).explanation
    assert text.startswith("C") and text.index("测试通知4") < text.index("测试通知3")
    other = ProductionUnit.objects.filter(county=unit.county).exclude(pk=unit.pk).first()
    credit.credit_classes_recompute()
    assert unit_credit_class(unit=other).letter == "A" and unit_credit_class(unit=other).score == 0


def test_a_new_event_recomputes_the_unit_and_logs_the_change(staff, unit):
    credit.credit_classes_recompute()
    assert unit_credit_class(unit=unit).letter == "A" and entry("supervision.credit_recompute").data["units"] == 3
    decision_like = push(unit, K.FINE, timezone.localdate(), source_id=9)
    cls = unit_credit_class(unit=unit)
    assert cls.letter == "B" and decision_like.source_label in cls.explanation  # fine 50 under the seeded rules: B from 10
    changed = entry("supervision.credit_class")
    assert changed.object_id == str(unit.pk) and (changed.data["from"], changed.data["to"]) == ("A", "B")


def test_an_unknown_kind_is_refused(unit):
    with pytest.raises(ValidationError):
        push(unit, "rumour", timezone.localdate())


# --- the rules as data: versioned, logged, approvers only ---------------------------------------


def test_a_change_is_a_new_version_the_old_kept_and_logged(staff, unit):
    first = credit_rule_set_current()
    assert first.version == 1 and first.rules.count() == len(K.values) and all(r.rationale for r in first.rules.all())
    new = credit.credit_rule_set_change(actor=staff.approver_a, b_from=5, c_from=50, d_from=100, rules=rules_with(fine=60), note="按省局通知调整")
    assert new.version == 2 and credit_rule_set_current() == new and CreditRuleSet.objects.filter(version=1).exists()
    logged = entry("supervision.credit_rules_change")
    assert logged.user == staff.approver_a and logged.data["old"]["thresholds"] == [10, 60, 120]
    assert logged.data["new"]["thresholds"] == [5, 50, 100] and logged.data["new"]["rules"]["fine"] == [60, 24]
    assert UnitCreditClass.objects.get(unit=unit).rule_set == new  # every unit recomputed under it


@pytest.mark.parametrize("bad", [
    {"b_from": 30, "c_from": 20, "d_from": 40},  # thresholds must rise
    {"note": " "},  # a change says why
    {"rules": [{"kind": "fine", "weight": 1, "window_months": 0, "rationale": "x"}]},  # window 1..120
    {"rules": [{"kind": "fine", "weight": 1, "window_months": 12, "rationale": ""}]},  # every rule its rationale
])
def test_a_bad_change_is_refused_and_nothing_changes(staff, bad):
    args = {"b_from": 10, "c_from": 20, "d_from": 30, "rules": rules_with(fine=1), "note": "x", **bad}
    with pytest.raises(ValidationError):
        credit.credit_rule_set_change(actor=staff.approver_a, **args)
    assert CreditRuleSet.objects.count() == 1


@pytest.mark.parametrize("who", ["operator_a", "overseer"])
def test_a_wrong_role_may_not_change_the_rules(staff, who, client_for):
    user = getattr(staff, who)
    with pytest.raises(PermissionDenied):
        credit.credit_rule_set_change(actor=user, b_from=1, c_from=2, d_from=3, rules=rules_with(), note="x")
    response = client_for(user).post(reverse("credit_rules_edit"), {"b_from": 1, "c_from": 2, "d_from": 3, "note": "x"})
    assert response.status_code in (302, 403) and CreditRuleSet.objects.count() == 1
    assert client_for(user).get(reverse("credit_rules")).status_code == 200  # everyone reads the rules


def test_an_approver_changes_the_rules_in_the_console(staff, client_for):
    client = client_for(staff.approver_a)
    assert client.get(reverse("credit_rules_edit")).status_code == 200
    data = {"b_from": 10, "c_from": 70, "d_from": 130, "note": "提高C类门槛"}
    for rule in credit_rule_set_current().rules.all():
        data.update({f"weight_{rule.kind}": rule.weight, f"window_{rule.kind}": rule.window_months, f"rationale_{rule.kind}": rule.rationale})
    response = client.post(reverse("credit_rules_edit"), data)
    assert response.status_code == 302
    current = credit_rule_set_current()
    assert (current.version, current.c_from, current.created_by) == (2, 70, staff.approver_a)
    assert "提高C类门槛" in client.get(reverse("credit_rules")).content.decode()


# --- the unit's page ----------------------------------------------------------------------------


def test_the_unit_page_shows_the_record_and_class_in_scope_only(staff, unit, client_for):
    order = issue(staff, unit)
    url = reverse("units:inspect", args=[unit.pk])
    html = client_for(staff.operator_a).get(url).content.decode()
    assert order.number in html and "第五条、第十七条" in html and unit_credit_class(unit=unit).explanation in html
    assert client_for(staff.operator_b).get(url).status_code == 404  # another county's unit
    assert order.number in client_for(staff.overseer).get(url).content.decode()  # the city reads its subtree
