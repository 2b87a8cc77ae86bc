"""Demo data for the assessment side: the starter question bank (the default blueprints come
with the migrations)."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from supervision.demo import DEMO_COUNTY
from supervision.models import Jurisdiction

from .models import ExamSession, SamplingPlan, Ticket
from .questions_io import questions_import_file
from .services import sampling
from .services.sessions import examiners_draw, session_create, ticket_reissue, tickets_issue

STARTER_BANK = Path(__file__).resolve().parent / "data" / "starter_questions.csv"


def seed_bank() -> None:
    result = questions_import_file(data=STARTER_BANK.read_bytes(), filename=STARTER_BANK.name, actor=None, dry_run=False)
    if not result.ok:
        raise RuntimeError(f"the starter bank did not import: {result.errors[:3]}")


DEMO_PLAN_TITLE = "2026年度余杭区质量安全管理人员监督抽查考核（演示）"
DEMO_SEED = "31415926535897932384626433"
DEMO_TICKETS = 3


def seed_plan() -> list[tuple[str, str, str, str]]:
    """A demo plan of 余杭区, approved, frozen, drawn, with a session open now and its tickets.
    Returns (ticket number, access code, person, unit) for a few tickets: the codes are reissued
    on every run, since only their hashes are kept."""
    User = get_user_model()
    operator = User.objects.get(username="yuhang-operator")
    approver = User.objects.get(username="yuhang-approver")
    county = Jurisdiction.objects.get(code=DEMO_COUNTY)
    now = timezone.now()
    plan = SamplingPlan.objects.filter(title=DEMO_PLAN_TITLE).first()
    if plan is None:
        plan = SamplingPlan.objects.create(
            jurisdiction=county, year=2026, batch=1, title=DEMO_PLAN_TITLE, roles=["director", "officer"],
            created_by=operator, sample_ratio_percent=5, include_standard=False,
        )
        sampling.plan_submit(actor=operator, plan=plan)
        sampling.plan_approve(actor=approver, plan=plan)
        sampling.frame_freeze(actor=operator, plan=plan)
        draw = sampling.draw_perform(actor=operator, plan=plan, seed=DEMO_SEED)
        session = session_create(actor=operator, plan=plan, name="演示场次（线上）", mode="online", venue="",
                                 starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=14))
        tickets_issue(actor=operator, session=session, selections=list(draw.selections.all()))
        examiners_draw(actor=operator, session=session)
    session = ExamSession.objects.filter(plan=plan).order_by("pk").first()
    # Keep the demo session open whenever the demo is seeded.
    ExamSession.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=14))
    printed = []
    for ticket in Ticket.objects.filter(session=session, attempts__isnull=True).select_related("person__unit").order_by("number")[:DEMO_TICKETS]:
        issued = ticket_reissue(actor=operator, ticket=ticket)
        printed.append((ticket.number, issued.access_code, ticket.person.name, ticket.person.unit.name))
    return printed
