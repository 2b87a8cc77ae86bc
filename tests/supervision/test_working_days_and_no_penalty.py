"""The statement period in working days (行政处罚法 Art. 85), the hearing asked for within five
working days (Art. 64 ¶1(1)), and the decision not to impose the notified fine (Art. 57 ¶1(2), (3);
Art. 33 ¶1), after which no fine follows on the order."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.models import ModelLogEntry

from supervision.fake_register import unit_rows
from supervision.models import HolidaySchedule, StaffRole, DecisionKind, DocumentCounter, OrderSource, PenaltyDecision, PenaltyNotice, ProductionUnit, RectificationOrder
from supervision.services import enforcement as svc
from supervision.services import penalties
from supervision.workdays import working_days_after
from tests.factories import import_units, make_legal_settings, make_staff


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 12, 3), date(2026, 12, 10)),   # Thursday: the weekend is not counted
    (date(2026, 12, 5), date(2026, 12, 11)),   # notified on a Saturday: Monday is day one
    (date(2026, 9, 30), date(2026, 10, 13)),   # 国庆 1–7 October off, Saturday 10 October a working day (调休)
    (date(2026, 2, 12), date(2026, 2, 26)),    # Saturday 14 February worked, 春节 15–23 February off
    (date(2025, 12, 30), date(2026, 1, 7)),    # 元旦 1–3 January off, Sunday 4 January worked
])
def test_periods_count_working_days_not_holidays(start, end):
    """行政处罚法 Art. 85: “五日” are working days, statutory holidays not counted; the day of the
    notice itself is not counted (民法典 Art. 201)."""
    assert working_days_after(start, 5) == end


@pytest.mark.django_db
def test_a_year_without_a_holiday_schedule_is_refused_not_guessed():
    HolidaySchedule.objects.all().delete()  # the suite's entry of next year (tests/conftest.py)
    """Counting weekends only would shorten the unit's period over 元旦: refuse, in Chinese."""
    with pytest.raises(ValidationError) as error:
        working_days_after(date(2026, 12, 28), 5)
    assert "2027" in error.value.messages[0]


@pytest.fixture
def order(staff, tree):
    assert import_units(unit_rows(2, ["330110"], seed=57), tree.county_a).ok
    make_legal_settings(tree.county_a)
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    return RectificationOrder.objects.get(pk=order.pk)


def test_the_notice_over_national_day_runs_to_its_working_day_deadline(staff, order):
    """Art. 85 with Art. 45: notified 30 September, statements until 13 October; a fine on that day
    is refused, the day after it is allowed."""
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="逾期未改正", today=date(2026, 9, 30))
    assert notice.statement_deadline == date(2026, 10, 13) and notice.hearing_request_deadline == date(2026, 10, 13)
    with pytest.raises(ValidationError):
        penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=20_000, today=date(2026, 10, 13))
    assert penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=20_000, today=date(2026, 10, 14)).fine_yuan == 20_000


def test_a_notice_whose_period_has_no_schedule_is_refused_and_writes_nothing(staff, order):
    HolidaySchedule.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="x", today=date(2026, 12, 28))
    assert "2027" in error.value.messages[0]
    assert not PenaltyNotice.objects.exists() and not DocumentCounter.objects.filter(kind="notice").exists()
    assert not ModelLogEntry.objects.filter(action="supervision.notice_issue").exists()


def test_a_hearing_is_asked_for_within_five_working_days(staff, order, settings):
    """行政处罚法 Art. 64 ¶1(1): 当事人要求听证的，应当在行政机关告知后五日内提出 (working days, Art. 85),
    even where the statement period is set longer."""
    settings.PENALTY_STATEMENT_DAYS = 7
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="x", today=date(2026, 9, 30))
    assert notice.statement_deadline == date(2026, 10, 15)
    with pytest.raises(ValidationError):
        penalties.statement_record(actor=staff.operator_a, notice=notice, text="要求听证", received_on=date(2026, 10, 14), hearing_requested=True)
    assert not notice.statements.exists()
    penalties.statement_record(actor=staff.operator_a, notice=notice, text="要求听证", received_on=date(2026, 10, 13), hearing_requested=True)
    assert PenaltyNotice.objects.get(pk=notice.pk).hearing_requested


@pytest.fixture
def notice(staff, order):
    return penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="逾期未改正", today=date(2026, 9, 30))


def test_no_penalty_after_the_statement_and_then_no_fine(staff, order, notice):
    """Art. 45 ¶1: 当事人提出的事实、理由或者证据成立的，行政机关应当采纳; Art. 57 ¶1(3): 违法事实不能成立的，
    不予行政处罚. After it, a fine on the same order is refused (by the service and the database)."""
    penalties.statement_record(actor=staff.operator_a, notice=notice, text="已于期限内任命质量安全员，材料因邮寄遗失", received_on=date(2026, 10, 9))
    decision = penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground="not_established", reasons="经核查任命文件日期在整改期限内", today=date(2026, 10, 10))
    assert decision.kind == DecisionKind.NO_PENALTY and decision.fine_yuan is None and decision.notice == notice
    assert "第五十七条第一款第（三）项" in decision.legal_basis and decision.number
    assert RectificationOrder.objects.get(pk=order.pk).status == order.status  # the order keeps its own state
    entry = ModelLogEntry.objects.filter(action="supervision.penalty_decide").latest("pk")
    assert entry.data["kind"] == "no_penalty" and entry.user == staff.approver_a
    with pytest.raises(ValidationError):
        penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=20_000, today=date(2026, 10, 20))
    with pytest.raises(ValidationError):  # and not a second no-penalty either
        penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground="first_minor", reasons="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyDecision.objects.create(
            unit=order.unit, order=order, notice=notice, kind=DecisionKind.FINE, fine_yuan=20_000, number="X-1",
            facts="x", legal_basis="x", decided_by=staff.approver_a, decided_on=date(2026, 10, 20),
        )
    assert PenaltyDecision.objects.filter(order=order).exclude(kind=DecisionKind.WARNING).count() == 1


def test_no_penalty_is_refused_without_a_notice_ground_or_reasons_and_after_a_fine(staff, tree, order):
    with pytest.raises(ValidationError):  # no notice: no fine was intended
        penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground="not_established", reasons="x")
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="x", today=date(2026, 9, 30))
    for ground, reasons in (("", "x"), ("acquitted", "x"), ("minor_corrected", "  ")):
        with pytest.raises(ValidationError):
            penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground=ground, reasons=reasons)
    with pytest.raises(PermissionDenied):  # an operator does not decide penalties
        penalties.no_penalty_decide(actor=staff.operator_a, order=order, ground="minor_corrected", reasons="x")
    approver_b = make_staff("ap-b", StaffRole.APPROVER, tree.county_b).user
    with pytest.raises(PermissionDenied):  # another county's approver does not reach the order
        penalties.no_penalty_decide(actor=approver_b, order=order, ground="minor_corrected", reasons="x")
    penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=20_000, today=date(2026, 10, 14))
    with pytest.raises(ValidationError):  # Art. 57: one outcome
        penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground="minor_corrected", reasons="x")
    assert not PenaltyDecision.objects.filter(kind=DecisionKind.NO_PENALTY).exists()
    assert notice.pk


def test_the_console_previews_decides_and_prints_no_penalty(staff, order, notice, client_for):
    client = client_for(staff.approver_a)
    page = client.get(reverse("orders:inspect", args=[order.pk]))
    assert reverse("orders:no_penalty", args=[order.pk]) in page.content.decode()
    url = reverse("orders:no_penalty", args=[order.pk])
    preview = client.get(url, {"ground": "minor_corrected", "reasons": "单位已于告知后三日内完成任命并报备"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "不予行政处罚决定书" in body and "第三十三条第一款" in body and "data-confirm" in body
    assert not PenaltyDecision.objects.filter(kind=DecisionKind.NO_PENALTY).exists()  # the preview writes nothing
    bad = client.get(url, {"ground": "", "reasons": ""})
    assert "不予行政处罚" in bad.content.decode() and not PenaltyDecision.objects.filter(kind=DecisionKind.NO_PENALTY).exists()
    done = client.post(url, {"ground": "minor_corrected", "reasons": "单位已于告知后三日内完成任命并报备"})
    decision = PenaltyDecision.objects.get(kind=DecisionKind.NO_PENALTY)
    assert done.status_code == 302 and done.url == reverse("penalties:print", args=[decision.pk])
    printed = client.get(done.url).content.decode()
    assert "不予行政处罚决定书" in printed and decision.number in printed and notice.number in printed and "行政复议" in printed
    again = client.post(url, {"ground": "minor_corrected", "reasons": "重复提交"})  # a double click adds nothing
    assert again.status_code == 302 and PenaltyDecision.objects.filter(kind=DecisionKind.NO_PENALTY).count() == 1
    assert client_for(staff.operator_b).get(url, {"ground": "minor_corrected", "reasons": "x"}).status_code == 404


def test_a_no_penalty_decision_is_corrected_not_doubled(staff, order, notice):
    first = penalties.no_penalty_decide(actor=staff.approver_a, order=order, ground="minor_corrected", reasons="x", today=date(2026, 10, 10))
    new = penalties.decision_correct(actor=staff.approver_a, decision=first, reason="理由表述有误", facts="更正后的理由", today=date(2026, 10, 11))
    assert new.kind == DecisionKind.NO_PENALTY and new.no_penalty_ground == "minor_corrected" and new.supersedes == first
    assert PenaltyDecision.objects.filter(order=order, superseded=False).exclude(kind=DecisionKind.WARNING).count() == 1


@pytest.fixture
def platform_admin(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("platform", "p@example.gov.cn", "Plat-form-2026!")


SCHEDULE_2027 = {"year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）", "holidays": "2027-01-01\n2027-02-06..2027-02-13\n", "workdays": "2027-02-20"}


def test_the_platform_admin_enters_a_new_years_schedule_and_periods_use_it(platform_admin, client):
    """A year the package does not cover is counted once the State Council's notice is entered."""
    HolidaySchedule.objects.all().delete()
    client.force_login(platform_admin)
    response = client.post(reverse("holiday_schedules:add"), SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert working_days_after(date(2026, 12, 28), 5) == date(2027, 1, 5)   # 元旦 off, the weekend off
    assert working_days_after(date(2027, 2, 5), 2) == date(2027, 2, 16)    # 春节 off, then Monday 15th and Tuesday 16th
    assert working_days_after(date(2027, 2, 19), 1) == date(2027, 2, 20)   # Saturday 20th worked (调休)
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=platform_admin).exists()


def test_an_entered_schedule_overrides_the_package_for_its_year(platform_admin, client):
    client.force_login(platform_admin)
    client.post(reverse("holiday_schedules:add"), {"year": "2026", "source": "更正", "holidays": "2026-01-01", "workdays": ""})
    assert working_days_after(date(2026, 9, 30), 5) == date(2026, 10, 7)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("holidays", "2027-13-01", "不是日期"),
    ("holidays", "2027-02-13..2027-02-06", "范围"),
    ("holidays", "2026-12-31", "2027"),
    ("holidays", "", "节假日"),
    ("workdays", "2027-02-15", "工作日"),           # a Monday: not a weekend day
    ("workdays", "2027-02-07", "既"),               # both off and worked
    ("workdays", "2027-02-20..2027-02-21", "一个日期"),
])
def test_a_bad_schedule_is_refused_in_chinese_and_saves_nothing(platform_admin, client, field, value, says):
    HolidaySchedule.objects.all().delete()
    client.force_login(platform_admin)
    response = client.post(reverse("holiday_schedules:add"), {**SCHEDULE_2027, field: value})
    assert response.status_code == 200 and says in response.content.decode()
    assert not HolidaySchedule.objects.exists()


def test_only_the_platform_admin_keeps_the_schedules(staff, client_for):
    HolidaySchedule.objects.all().delete()
    for user in (staff.operator_a, staff.approver_a, staff.admin_a, staff.overseer):
        response = client_for(user).post(reverse("holiday_schedules:add"), SCHEDULE_2027)
        assert response.status_code in (302, 403) and not response.get("Location", "").startswith(reverse("holiday_schedules:index"))
    assert not HolidaySchedule.objects.exists()
