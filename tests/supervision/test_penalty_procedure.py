"""The fine under Order 75 Art. 17 by the 行政处罚法's ordinary procedure: prior notice (Art. 44),
statement and defence (Art. 45), hearing (Art. 63, 64), the decision (Art. 59) once per order
(Art. 29), corrections that supersede, document numbers that never collide."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from supervision.fake_register import unit_rows
from supervision.models import DecisionKind, DocumentKind, OrderSource, PenaltyDecision, PenaltyNotice, ProductionUnit, RectificationOrder
from supervision.services import enforcement as svc
from supervision.services import penalties
from supervision.services.documents import document_number_next
from supervision.workdays import working_days_after
from tests.factories import import_units, make_legal_settings, make_staff


@pytest.fixture
def units(tree):
    assert import_units(unit_rows(3, ["330110"], seed=91), tree.county_a).ok
    make_legal_settings(tree.county_a)
    return list(ProductionUnit.objects.filter(county=tree.county_a))


def overdue_order(staff, unit):
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)
    svc.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    return RectificationOrder.objects.get(pk=order.pk)


@pytest.fixture
def order(staff, units):
    return overdue_order(staff, units[0])


@pytest.fixture
def notice(staff, order):
    return penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="逾期未改正")


def decide(staff, order, amount=20_000, **kwargs):
    return penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=amount, facts="逾期拒不改正", **kwargs)


def test_the_notice_states_amount_period_and_hearing(notice, settings):
    """Art. 44: facts, basis and the intended amount; Art. 45: the statement period; Art. 63: a
    hearing from the province's threshold (10,000 yuan here by default)."""
    assert notice.intended_fine_yuan == 20_000 and notice.legal_basis == svc.ART_17
    assert notice.statement_deadline == working_days_after(notice.notified_on, 5)  # Art. 85: working days
    assert notice.hearing_offered
    entry = ModelLogEntry.objects.get(action="supervision.notice_issue")
    assert entry.data["intended_fine_yuan"] == 20_000 and entry.data["hearing_offered"] is True


def test_settings_change_the_period_and_the_hearing_threshold(staff, order, settings):
    settings.PENALTY_STATEMENT_DAYS = 7
    settings.PENALTY_HEARING_THRESHOLD_YUAN = 30_000
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="x")
    assert notice.statement_deadline == working_days_after(notice.notified_on, 7) and not notice.hearing_offered
    with pytest.raises(ValidationError):  # Art. 63: no hearing below the threshold
        penalties.statement_record(actor=staff.operator_a, notice=notice, text="要求听证", received_on=notice.notified_on, hearing_requested=True)


@pytest.mark.parametrize("amount", [4_000, 4_999, 50_001, 60_000])
def test_amounts_outside_article_17_are_refused(staff, order, amount):
    """Order 75 Art. 17: 五千元以上五万元以下."""
    with pytest.raises(ValidationError):
        penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=amount, facts="x")
    assert not order.__class__.objects.get(pk=order.pk).decisions.filter(kind="fine").exists()


def test_no_notice_no_fine(staff, order):
    """Art. 44: 行政机关在作出行政处罚决定之前，应当告知当事人."""
    with pytest.raises(ValidationError):
        decide(staff, order)


def test_an_order_not_overdue_or_refused_gets_no_notice(staff, units):
    """Order 75 Art. 17: only 拒不改正 leads to a fine."""
    order = svc.order_issue(actor=staff.operator_a, unit=units[1], reason="x", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)
    with pytest.raises(ValidationError):
        penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="x")


def test_the_fine_waits_for_the_end_of_the_statement_period(staff, order, notice):
    """Art. 45: the unit is heard first; a decision inside the period is refused."""
    for day in range(0, (notice.statement_deadline - notice.notified_on).days + 1):
        with pytest.raises(ValidationError):
            decide(staff, order, today=notice.notified_on + timedelta(days=day))
    fine = decide(staff, order, today=notice.statement_deadline + timedelta(days=1))
    assert fine.notice == notice and fine.decided_on == notice.statement_deadline + timedelta(days=1)


def test_a_written_waiver_allows_an_earlier_decision(staff, order, notice):
    with pytest.raises(ValidationError):
        penalties.waiver_record(actor=staff.operator_a, notice=notice, note=" ", received_on=notice.notified_on)
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="法定代表人签署放弃声明", received_on=notice.notified_on)
    assert decide(staff, order, today=notice.notified_on).fine_yuan == 20_000
    assert ModelLogEntry.objects.get(action="supervision.notice_waiver").user == staff.operator_a


def test_the_fine_may_not_exceed_the_notified_amount(staff, order, notice):
    """Art. 45 ¶2: 行政机关不得因当事人陈述、申辩而给予更重的处罚."""
    penalties.statement_record(actor=staff.operator_a, notice=notice, text="已开始整改，请求从轻", received_on=notice.notified_on + timedelta(days=1))
    later = notice.statement_deadline + timedelta(days=1)
    with pytest.raises(ValidationError):
        decide(staff, order, amount=20_001, today=later)
    assert decide(staff, order, amount=15_000, today=later).fine_yuan == 15_000  # lighter is allowed


def test_a_requested_hearing_is_held_before_the_decision(staff, order, notice):
    """Art. 63, 64: the hearing the unit asked for comes before the decision."""
    penalties.statement_record(actor=staff.operator_a, notice=notice, text="要求听证", received_on=notice.notified_on, hearing_requested=True)
    later = notice.statement_deadline + timedelta(days=1)
    with pytest.raises(ValidationError):
        decide(staff, order, today=later)
    with pytest.raises(PermissionDenied):
        penalties.hearing_record(actor=staff.operator_a, notice=notice, held_on=later, note="x")
    penalties.hearing_record(actor=staff.approver_a, notice=notice, held_on=later, note="听证笔录：单位陈述与事实")
    assert decide(staff, order, today=later).kind == "fine"


def test_a_second_fine_is_refused_by_the_service(staff, order, notice):
    """行政处罚法 Art. 29: 对当事人的同一个违法行为，不得给予两次以上罚款的行政处罚."""
    later = notice.statement_deadline + timedelta(days=1)
    decide(staff, order, today=later)
    for amount in (5_000, 20_000):
        with pytest.raises(ValidationError):
            decide(staff, order, amount=amount, today=later)
    with pytest.raises(ValidationError):  # nor a second notice on the same order
        penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=10_000, facts="x")
    assert PenaltyDecision.objects.filter(order=order, kind="fine").count() == 1


def test_a_second_fine_is_refused_by_the_database(staff, order, notice):
    """行政处罚法 Art. 29 as a UniqueConstraint: whatever code writes the row."""
    fine = decide(staff, order, today=notice.statement_deadline + timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyDecision.objects.create(unit=order.unit, order=order, kind="fine", fine_yuan=5_000, number="重复",
                                       facts="x", legal_basis="y", decided_by=staff.approver_a, decided_on=fine.decided_on)
    with pytest.raises(IntegrityError), transaction.atomic():  # and one warning per order
        PenaltyDecision.objects.create(unit=order.unit, order=order, kind="warning", number="重复警告",
                                       facts="x", legal_basis="y", decided_by=staff.approver_a, decided_on=fine.decided_on)


def test_a_correction_supersedes_and_never_adds(staff, order, notice):
    later = notice.statement_deadline + timedelta(days=1)
    fine = decide(staff, order, today=later)
    with pytest.raises(ValidationError):
        penalties.decision_correct(actor=staff.approver_a, decision=fine, reason=" ", fine_yuan=10_000)
    with pytest.raises(ValidationError):  # Art. 45 ¶2 holds for corrections too
        penalties.decision_correct(actor=staff.approver_a, decision=fine, reason="计算错误", fine_yuan=25_000)
    with pytest.raises(PermissionDenied):
        penalties.decision_correct(actor=staff.operator_a, decision=fine, reason="计算错误", fine_yuan=10_000)
    corrected = penalties.decision_correct(actor=staff.approver_a, decision=fine, reason="裁量基准适用错误", fine_yuan=10_000)
    fine.refresh_from_db()
    assert fine.superseded and corrected.supersedes == fine and corrected.fine_yuan == 10_000 and corrected.notice == notice
    assert PenaltyDecision.objects.filter(order=order, kind="fine", superseded=False).get() == corrected
    with pytest.raises(ValidationError):  # the old one cannot be corrected again
        penalties.decision_correct(actor=staff.approver_a, decision=fine, reason="x", fine_yuan=8_000)
    entry = ModelLogEntry.objects.get(action="supervision.penalty_correct")
    assert entry.data["supersedes"] == fine.number and entry.data["from"] == 20_000 and entry.data["to"] == 10_000


def test_article_16_circumstances_are_weighed_and_printed(staff, order, client_for):
    """Order 75 Art. 16 ¶3 and ¶4: the head ignored the director's advice; it is recorded and
    printed where it bears on the amount."""
    svc.order_record_rejected_advice(actor=staff.operator_a, order=order, note="总监建议停产整改，负责人未采纳", people=[])
    notice = penalties.notice_issue(actor=staff.approver_a, order=RectificationOrder.objects.get(pk=order.pk), fine_yuan=30_000, facts="x", circumstances="多次督促仍未整改")
    assert "多次督促仍未整改" in notice.circumstances and "总监建议停产整改" in notice.circumstances
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="放弃", received_on=notice.notified_on)
    fine = decide(staff, order, amount=30_000)
    assert fine.circumstances == notice.circumstances
    client = client_for(staff.approver_a)
    for url in (reverse("orders:notice_print", args=[notice.pk]), reverse("penalties:print", args=[fine.pk])):
        page = client.get(url).content.decode()
        assert 'class="circumstances"' in page and "总监建议停产整改" in page


def test_no_particulars_no_notice(staff, tree):
    """行政处罚法 Art. 59, 67: the decision names where to pay and where to appeal; without the
    bureau's particulars nothing is sent."""
    assert import_units(unit_rows(1, ["330113"], seed=92), tree.county_b).ok
    unit = ProductionUnit.objects.get(county=tree.county_b)
    order = svc.order_issue(actor=staff.operator_b, unit=unit, reason="x", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)
    svc.order_refuse(actor=staff.operator_b, order=order, note="拒绝")
    approver_b = make_staff("ap-b", "approver", tree.county_b).user
    with pytest.raises(ValidationError):
        penalties.notice_issue(actor=approver_b, order=RectificationOrder.objects.get(pk=order.pk), fine_yuan=10_000, facts="x")


def test_documents_name_payment_review_body_court_and_surcharge(staff, order, notice, client_for):
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="放弃", received_on=notice.notified_on)
    fine = decide(staff, order)
    client = client_for(staff.operator_a)
    page = client.get(reverse("penalties:print", args=[fine.pk])).content.decode()
    for text in ("中国工商银行杭州分行各营业网点", "非税收入缴款码", "杭州市余杭区人民政府", "杭州铁路运输法院", "杭州市余杭区市场监督管理局",
                 fine.number, notice.number, "20000", 'class="surcharge"', 'class="payment"'):
        assert text in page, text
    assert "3%" in page or "百分之三" in page  # 行政处罚法 Art. 72: 每日按罚款数额的百分之三加处罚款
    warning = order.decisions.get(kind="warning")
    printed_order = client.get(reverse("orders:print", args=[order.pk])).content.decode()
    assert warning.number in printed_order and "杭州铁路运输法院" in printed_order and 'class="warning"' in printed_order


def test_previews_show_the_document_and_confirm_before_deciding(staff, order, client_for):
    approver = client_for(staff.approver_a)
    page = approver.get(reverse("orders:notice", args=[order.pk]), {"fine_yuan": "12000", "facts": "逾期"}).content.decode()
    assert "12000" in page and "data-confirm=" in page and 'name="fine_yuan" value="12000"' in page
    assert not order.__class__.objects.get(pk=order.pk).decisions.filter(kind="fine").exists()
    operator_page = client_for(staff.operator_a).get(reverse("orders:notice", args=[order.pk]), {"fine_yuan": "12000"}).content.decode()
    assert "12000" in operator_page and "data-confirm=" not in operator_page  # an operator sees, does not decide


def test_every_log_action_used_is_registered():
    """An unregistered action shows as unreadable in the console's history."""
    import re
    from pathlib import Path

    import supervision

    used = set()
    for path in Path(supervision.__file__).parent.rglob("*.py"):
        used |= set(re.findall(r'action="(supervision\.[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    assert {"supervision.order_overdue", "supervision.order_resit", "supervision.notice_issue"} <= used
    missing = {a for a in used if not registry.action_exists(a)}
    assert not missing


def test_numbers_run_per_bureau_per_year_per_kind(staff, tree, units):
    first = svc.order_issue(actor=staff.operator_a, unit=units[1], reason="x", legal_basis="y", source_kind=OrderSource.REGISTER)
    second = svc.order_issue(actor=staff.operator_a, unit=units[2], reason="x", legal_basis="y", source_kind=OrderSource.REGISTER)
    year = timezone.localdate().year
    assert first.number == f"余杭区市监责改〔{year}〕1号" and second.number == f"余杭区市监责改〔{year}〕2号"
    assert first.decisions.get().number == f"余杭区市监罚〔{year}〕1号"
    assert document_number_next(jurisdiction=tree.county_b, kind=DocumentKind.ORDER, year=year) == f"临平区市监责改〔{year}〕1号"
    assert document_number_next(jurisdiction=tree.county_a, kind=DocumentKind.ORDER, year=year + 1) == f"余杭区市监责改〔{year + 1}〕1号"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every writer on one file lock, so the row-lock race only exists on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_issuers_at_once_never_share_a_number(tree):
    """Two staff issuing at the same moment, each on its own connection: the counter row is created
    once (get_or_create + IntegrityError) and then locked (select_for_update)."""
    from supervision.models import DocumentCounter

    year, per_thread = 2031, 15
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def issue():
        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    numbers.append(document_number_next(jurisdiction=tree.county_a, kind=DocumentKind.NOTICE, year=year))
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(int(n.split("〕")[1].rstrip("号")) for n in numbers) == list(range(1, 2 * per_thread + 1))
    assert DocumentCounter.objects.get(jurisdiction=tree.county_a, year=year, kind=DocumentKind.NOTICE).last == 2 * per_thread


def test_a_correction_through_the_console_is_previewed_then_confirmed(staff, order, notice, client_for):
    penalties.waiver_record(actor=staff.operator_a, notice=notice, note="放弃", received_on=notice.notified_on)
    fine = decide(staff, order)
    approver = client_for(staff.approver_a)
    url = reverse("penalties:correct", args=[fine.pk])
    page = approver.get(url, {"fine_yuan": "12000", "reason": "裁量基准适用错误"}).content.decode()
    assert "12000" in page and fine.number in page and 'class="correction"' in page and "data-confirm=" in page
    assert "data-confirm=" not in approver.get(url, {"fine_yuan": "30000", "reason": "x"}).content.decode()  # above the notice
    client_for(staff.operator_a).post(url, {"fine_yuan": "12000", "reason": "x"})
    assert not PenaltyDecision.objects.filter(supersedes=fine).exists()
    response = approver.post(url, {"fine_yuan": "12000", "reason": "裁量基准适用错误"})
    corrected = PenaltyDecision.objects.get(supersedes=fine)
    assert response.url == reverse("penalties:print", args=[corrected.pk]) and corrected.fine_yuan == 12000
    printed = approver.get(response.url).content.decode()
    assert fine.number in printed and "裁量基准适用错误" in printed


def test_statement_waiver_and_hearing_through_the_console(staff, order, notice, client_for):
    operator, approver = client_for(staff.operator_a), client_for(staff.approver_a)
    act = lambda client, name, data: client.post(reverse("orders:action", args=[order.pk, name]), data)  # noqa: E731
    act(operator, "statement", {"text": "要求听证", "received_on": notice.notified_on.isoformat(), "hearing_requested": "1"})
    notice.refresh_from_db()
    assert notice.hearing_requested
    act(operator, "hearing", {"held_on": notice.notified_on.isoformat(), "note": "x"})
    assert PenaltyNotice.objects.get(pk=notice.pk).hearing_held_on is None  # an approver holds it
    act(approver, "hearing", {"held_on": (notice.notified_on + timedelta(days=3)).isoformat(), "note": "听证笔录"})
    act(operator, "waiver", {"note": "法定代表人签署放弃声明", "received_on": "not a date"})
    assert PenaltyNotice.objects.get(pk=notice.pk).waived_on is None  # unreadable: nothing recorded, no 500
    act(operator, "waiver", {"note": "法定代表人签署放弃声明", "received_on": notice.notified_on.isoformat()})
    notice = PenaltyNotice.objects.get(pk=notice.pk)
    assert notice.hearing_held_on and notice.waived_on
    page = approver.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "要求听证" in page and reverse("orders:fine", args=[order.pk]) in page


@pytest.mark.parametrize(("action", "data", "says"), [
    ("waiver", {"note": "法定代表人签署放弃声明", "received_on": "2026-13-40"}, "收到日期必须是日期（年-月-日）。"),
    ("statement", {"text": "请求从轻", "received_on": ""}, "收到日期必须是日期（年-月-日）。"),
    ("reject", {"reason": "材料不全", "deadline_days": "十五"}, "新的整改期限必须是整数。"),
])
def test_unreadable_console_input_is_named_in_chinese_and_changes_nothing(staff, order, notice, client_for, action, data, says):
    """Each field is read before the service runs, and the message names it (issue 16: a bad field
    once came back as "could not be read", and so did a programming error)."""
    before = (RectificationOrder.objects.get(pk=order.pk).status, PenaltyNotice.objects.get(pk=notice.pk).statements.count())
    response = client_for(staff.operator_a).post(reverse("orders:action", args=[order.pk, action]), data, follow=True)
    assert says in response.content.decode()
    assert (RectificationOrder.objects.get(pk=order.pk).status, PenaltyNotice.objects.get(pk=notice.pk).statements.count()) == before
    assert PenaltyNotice.objects.get(pk=notice.pk).waived_on is None


def test_an_unreadable_fine_amount_is_named_in_the_preview(staff, order, notice, client_for):
    response = client_for(staff.approver_a).post(reverse("orders:fine", args=[order.pk]), {"fine_yuan": "两万", "facts": "逾期拒不改正"}, follow=True)
    assert "罚款金额必须是整数。" in response.content.decode()
    assert not order.decisions.filter(kind=DecisionKind.FINE).exists()


def test_a_programming_error_is_not_passed_off_as_bad_input(rf, staff):
    """`run_action` reports refusals and broken rules; a TypeError from the code is a bug, and it
    surfaces as one instead of a "could not be read" message."""
    from django.contrib.messages.storage.fallback import FallbackStorage

    from supervision.views import run_action

    request = rf.post("/")
    request.user, request.session = staff.operator_a, {}
    request._messages = FallbackStorage(request)
    with pytest.raises(TypeError):
        run_action(request, lambda: penalties.fine_check(order=None, fine_yuan=1, extra=True), "done")
