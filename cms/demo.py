"""The public site's demo content: the two regulations, a notice, the results index."""

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment.models import QuestionVersion, SamplingPlan, Ticket
from assessment.services import attempts, sampling
from assessment.services.results import rectification_orders_issue
from assessment.services.sessions import session_create, tickets_issue
from supervision.demo import DEMO_COUNTY
from supervision.models import DecisionKind, Jurisdiction, PenaltyDecision, RectificationOrder
from supervision.services import penalties
from supervision.services.enforcement import orders_mark_overdue

from .models import HomePage, NoticePage, RegulationPage
from .models import InspectionResultsPage
from .services import bureau_page_ensure, home_page_ensure, inspection_results_publish, results_index_ensure, results_publish

REGULATIONS = [
    ("order-75", "工业产品生产单位落实质量安全主体责任监督管理规定", "国家市场监督管理总局令第75号", "order-75.txt"),
    ("aqsiq-2010-631", "关于生产企业全面落实产品质量安全主体责任的指导意见", "国质检监联〔2010〕631号", "aqsiq-2010-631.txt"),
]
DATA = Path(__file__).resolve().parent / "data" / "regulations"


def seed_site() -> None:
    home: HomePage = home_page_ensure()
    results_index_ensure()
    for slug, title, number, filename in REGULATIONS:
        if not RegulationPage.objects.filter(slug=slug).exists():
            text = (DATA / filename).read_text(encoding="utf-8").replace("**", "").strip()
            page = home.add_child(instance=RegulationPage(title=title, slug=slug, document_number=number, body=text))
            page.save_revision().publish()
    if not NoticePage.objects.filter(slug="exam-notice").exists():
        bureau = bureau_page_ensure(Jurisdiction.objects.get(code=DEMO_COUNTY))  # "我局": the demo county's notice
        page = bureau.add_child(instance=NoticePage(
            title="关于开展2026年度质量安全管理人员监督抽查考核的通知", slug="exam-notice", date=date(2026, 11, 1),
            body="<p>根据《工业产品生产单位落实质量安全主体责任监督管理规定》第十五条，我局将随机抽取辖区内生产单位的质量安全总监、质量安全员进行监督抽查考核。考核不收取任何费用，抽取过程和结果依法公开。</p>",
        ))
        page.save_revision().publish()


PAST_PLAN_TITLE = "2025年度余杭区质量安全管理人员监督抽查考核（演示，已结束）"


def seed_past_round() -> None:
    """A finished round of 2025, so journeys 4-6 can be walked on the demo: attempts graded, the
    round closed, its results published and approved, orders issued, one overdue with a warning
    and a fine. Built through the real services; skipped if it exists."""
    if SamplingPlan.objects.filter(title=PAST_PLAN_TITLE).exists():
        return
    User = get_user_model()
    operator = User.objects.get(username="yuhang-operator")
    approver = User.objects.get(username="yuhang-approver")
    plan = SamplingPlan.objects.create(
        jurisdiction=Jurisdiction.objects.get(code=DEMO_COUNTY), year=2025, batch=2, title=PAST_PLAN_TITLE,
        roles=["director", "officer"], created_by=operator, sample_size=8,
    )
    sampling.plan_submit(actor=operator, plan=plan)
    sampling.plan_approve(actor=approver, plan=plan)
    sampling.frame_freeze(actor=operator, plan=plan)
    draw = sampling.draw_perform(actor=operator, plan=plan, seed="27182818284590452353602874")
    start = timezone.now() - timedelta(days=40)
    session = session_create(actor=operator, plan=plan, name="2025年第二批（线上）", mode="online", venue="",
                             starts_at=start, ends_at=start + timedelta(hours=3))
    tickets_issue(actor=operator, session=session, selections=list(draw.selections.all()))
    rng = random.Random(2025)
    for ticket in Ticket.objects.filter(session=session).order_by("number"):
        if rng.random() < 0.1:
            continue  # absent
        attempt = attempts.attempt_start(ticket=ticket, now=start + timedelta(minutes=5))
        skill = rng.choice([0.97, 0.95, 0.9, 0.85, 0.7])
        answers = {}
        for position, item in enumerate(attempt.paper):
            right = attempts.to_shown_letters(item, QuestionVersion.objects.get(pk=item["v"]).answer)
            answers[position] = right if rng.random() < skill else ("A" if right != "A" else "B")
        attempts.attempt_save_answers(attempt=attempt, answers=answers, now=start + timedelta(minutes=30))
        attempts.attempt_submit(attempt=attempt, now=start + timedelta(minutes=35))
    plan = sampling.plan_close(actor=operator, plan=plan)
    page = results_publish(actor=operator, plan=plan)
    page.current_workflow_state.current_task_state.approve(user=approver)
    orders = rectification_orders_issue(actor=operator, plan=plan)
    if orders:
        # One unit ignored its order (warned with it, Art. 17): overdue, the prior notice, its
        # statement, then one fine after the statement period (行政处罚法 Art. 44, 45).
        ignored = orders[0]
        issued_on = start.date() + timedelta(days=1)
        RectificationOrder.objects.filter(pk=ignored.pk).update(issued_on=issued_on, deadline=issued_on + timedelta(days=15))
        PenaltyDecision.objects.filter(order=ignored, kind=DecisionKind.WARNING).update(decided_on=issued_on)  # warned with the order
        orders_mark_overdue(today=issued_on + timedelta(days=16))
        ignored = RectificationOrder.objects.get(pk=ignored.pk)
        notified_on = issued_on + timedelta(days=17)
        notice = penalties.notice_issue(actor=approver, order=ignored, fine_yuan=20_000, today=notified_on,
                                        facts="逾期未整改：质量安全总监、质量安全员未参加补考，仍在岗位")
        penalties.statement_record(actor=operator, notice=notice, received_on=notified_on + timedelta(days=2),
                                   text="单位称生产任务重，未能安排人员补考，请求从轻处罚")
        decided_on = notice.statement_deadline + timedelta(days=1)  # the period is in working days (Art. 85)
        penalties.fine_decide(actor=approver, order=ignored, fine_yuan=20_000, today=decided_on, facts="逾期未整改，拒不改正")
        _backdate_story(ignored, {"supervision.order_issue": issued_on, "supervision.order_overdue": issued_on + timedelta(days=16),
                                  "supervision.notice_issue": notified_on, "supervision.notice_statement": notified_on + timedelta(days=2)},
                        warning_on=issued_on, fine_on=decided_on)


def _backdate_story(order, days: dict, *, warning_on, fine_on) -> None:
    """The demo's story happened over weeks; its log entries were written in one second. Give
    each step the day it tells (09:00 local, in the order written), so the history reads true."""
    for entry in ModelLogEntry.objects.filter(object_id=str(order.pk), content_type__model="rectificationorder").order_by("pk"):
        day = days.get(entry.action)
        if entry.action == "supervision.penalty_decide":
            day = warning_on if entry.data.get("kind") == "warning" else fine_on
        if day is None:
            continue
        entry.timestamp = timezone.make_aware(datetime.combine(day, time(9, 0, entry.pk % 60)))
        if entry.action == "supervision.order_issue":
            entry.data["deadline"] = order.deadline.isoformat()
        entry.save(update_fields=["timestamp", "data"])


def seed_inspection_results(plan) -> None:
    """The demo inspection round's results page, drafted by the operator and approved by the
    approver through the bureau's workflow, once."""
    if InspectionResultsPage.objects.filter(plan=plan).exists():
        return
    User = get_user_model()
    page = inspection_results_publish(actor=User.objects.get(username="yuhang-operator"), plan=plan)
    page.current_workflow_state.current_task_state.approve(user=User.objects.get(username="yuhang-approver"))
