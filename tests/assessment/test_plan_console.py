"""Journey 2 through the console: approve, freeze, public draw, sessions, tickets, notices."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessment.models import Draw, PlanStatus, SamplingPlan, Ticket
from assessment.services.sessions import ticket_check
from supervision.fake_register import person_rows, unit_rows
from tests.factories import import_people, import_units, make_staff

SEED = "62831853071795864769252"


@pytest.fixture
def setup(staff, tree):
    rows = unit_rows(40, ["330110"], seed=51)
    for i, row in enumerate(rows):
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2024{i:012d}"
    assert import_units(rows, tree.county_a).ok
    assert import_people(person_rows(rows, seed=52), tree.county_a).ok
    for i in range(3):
        make_staff(f"examiner-{i}", "operator", tree.county_a, can_examine=True)
    call_command("import_questions", "assessment/data/starter_questions.csv", verbosity=0)
    return staff


def test_plan_from_draft_to_printed_notices(setup, tree, client_for):
    staff = setup
    operator, approver = client_for(staff.operator_a), client_for(staff.approver_a)
    response = operator.post(reverse("plans:add"), {
        "jurisdiction": tree.county_a.pk, "year": 2026, "batch": 1, "title": "2026年度余杭区第一批抽查考核",
        "include_licence": "on", "include_ccc": "on", "roles": ["director", "officer"], "sampling_unit": "unit",
        "method": "simple", "allocation": "proportional", "sample_ratio_percent": "10",
        "examiner_pool_widen": "on", "examiner_pool_multiple": "3",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = SamplingPlan.objects.get()
    assert plan.created_by == staff.operator_a and plan.status == PlanStatus.DRAFT

    page = operator.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assert "符合条件" in page or "建议样本量" in page
    operator.post(reverse("plans:action", args=[plan.pk, "submit"]))
    # The drafter cannot approve; the approver can.
    operator.post(reverse("plans:action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    approver.post(reverse("plans:action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == staff.approver_a

    # Edit is refused once submitted.
    assert operator.get(reverse("plans:edit", args=[plan.pk])).status_code == 302

    operator.post(reverse("plans:action", args=[plan.pk, "freeze"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FROZEN
    page = operator.get(reverse("plans:presentation", args=[plan.pk])).content.decode()
    assert plan.frame.sha256 in page

    bad = operator.post(reverse("plans:presentation", args=[plan.pk]), {"seed": "123"})
    assert bad.status_code == 400 and "至少需要 20 位数字" in bad.content.decode()
    assert not Draw.objects.exists()
    response = operator.post(reverse("plans:presentation", args=[plan.pk]), {"seed": SEED})
    assert response.status_code == 302
    page = operator.get(reverse("plans:presentation", args=[plan.pk])).content.decode()
    draw = Draw.objects.get()
    first = draw.selections.order_by("position").first()
    assert first.unit.name in page and SEED in page
    # A double submit of the seed does not draw again.
    again = operator.post(reverse("plans:presentation", args=[plan.pk]), {"seed": SEED})
    assert again.status_code == 400 and Draw.objects.count() == 1

    frame_csv = operator.get(reverse("plans:frame", args=[plan.pk])).content.decode()
    assert frame_csv.startswith("id,stratum\n")
    script = operator.get(reverse("plans:verify_script")).content.decode()
    assert "consistent sampling" in script

    start = timezone.localtime() + timedelta(days=3)
    response = operator.post(reverse("plans:session_create", args=[plan.pk]), {
        "name": "第一场", "mode": "online", "venue": "", "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:00"),
    })
    session = plan.sessions.get()
    issued = operator.post(reverse("plans:session_tickets", args=[plan.pk, session.pk]))
    # The notices are a page of their own, not the answer to the POST: a reload prints them again.
    assert issued.status_code == 302 and "/notices/" in issued["Location"]
    notices = operator.get(issued["Location"])
    text = notices.content.decode()
    assert notices.status_code == 200 and "不收取" in text
    assert operator.get(issued["Location"]).content.decode() == text
    ticket = Ticket.objects.filter(session=session).first()
    code = re.search(rf"{ticket.number}</td><td class=\"code\">([A-Z0-9]{{8}})<", text).group(1)
    assert ticket_check(number=ticket.number, code=code) == ticket
    # Issuing again makes no new tickets.
    again = operator.post(reverse("plans:session_tickets", args=[plan.pk, session.pk]))
    assert again.status_code == 302

    operator.post(reverse("plans:session_examiners", args=[plan.pk, session.pk]))
    assert session.assignments.count() == 2
    roster = operator.get(reverse("plans:session_roster", args=[plan.pk, session.pk])).content.decode()
    assert ticket.number in roster and ticket.person.id_number_masked in roster


def test_overseer_reads_a_plan_and_changes_nothing(setup, tree, client_for):
    staff = setup
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="计划", roles=["director"], created_by=staff.operator_a)
    client = client_for(staff.overseer)
    assert client.get(reverse("plans:inspect", args=[plan.pk])).status_code == 200
    client.post(reverse("plans:action", args=[plan.pk, "submit"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
