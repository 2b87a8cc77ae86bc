"""Inspection plans on the same verifiable draw, and the inspector draw (issue 17).

Order 75 Art. 14 under 双随机、一公开: the units are drawn from the frozen frame with the public seed
exactly as for an assessment; then each drawn unit's inspectors are drawn with the same seed and
sampler from the enforcement staff whose 执法证 is valid on the day, after recusal, at least two
(行政处罚法 Art. 42)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment import verify_draw
from assessment.models import ConflictDeclaration, PlanPurpose, PlanStatus, SamplingPlan
from assessment.selectors import draw_current
from assessment.services import sampling
from assessment.services.results import rectification_order_drafts
from assessment.services.resits import resit_session_create
from assessment.services.sessions import plan_previous, session_create
from cms.services import results_publish
from inspection.models import Inspection, InspectionItem, InspectorAssignment, ItemCheck
from inspection.services.assignments import inspectors_draw
from inspection.services.items import ItemContent, item_update
from inspection.services.rounds import inspection_round_close
from tests.factories import drawn_inspection_plan, inspection_complete, make_staff

DAY = date(2026, 12, 10)


@pytest.fixture
def plan(staff, tree):
    return drawn_inspection_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)


def inspectors(prefix, jurisdiction, n, *, valid_until=DAY + timedelta(days=365), cert=True):
    return [
        make_staff(f"{prefix}{i}", "operator", jurisdiction, enforcement_cert_no=f"3301{prefix}{i:04d}" if cert else "",
                   enforcement_cert_valid_until=valid_until if cert else None)
        for i in range(n)
    ]


def drawn_staff(plan) -> set[int]:
    return set(InspectorAssignment.objects.filter(inspection__plan=plan).values_list("staff_id", flat=True))


def framed_staff(inspection) -> set[int]:
    return {int(element_id.rsplit(":", 1)[1]) for element_id, _s in verify_draw.read_frame(inspection.inspector_frame_csv)}


# --- the plan: same approval, frame and draw ------------------------------------------------------


def test_an_inspection_plan_goes_through_approval_freeze_and_the_public_draw(plan):
    assert plan.purpose == PlanPurpose.INSPECTION and plan.status == PlanStatus.DRAWN
    assert plan.roles == [] and plan.approved_by is not None
    draw = draw_current(plan=plan)
    assert sampling.draw_verify(draw)  # the same frame, seed and sampler as an assessment
    assert all(s.element_id == s.unit.uscc and s.person_id is None for s in draw.selections.select_related("unit"))


def test_an_inspection_plan_with_roles_or_persons_is_refused_at_submission(staff, tree):
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="检查", purpose=PlanPurpose.INSPECTION,
                                       roles=["director"], created_by=staff.operator_a)
    with pytest.raises(ValidationError, match="不设考核岗位"):
        sampling.plan_submit(actor=staff.operator_a, plan=plan)
    plan.roles, plan.sampling_unit = [], "person"
    plan.save()
    with pytest.raises(ValidationError, match="抽取的是生产单位，不是人员"):
        sampling.plan_submit(actor=staff.operator_a, plan=plan)
    assert SamplingPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_the_plan_form_hides_roles_and_blueprints_for_an_inspection_plan(staff, tree, client_for):
    client = client_for(staff.operator_a)
    page = client.get(reverse("plans:add") + "?purpose=inspection").content.decode()
    assert 'name="purpose"' in page and 'name="roles"' not in page and 'name="director_blueprint"' not in page
    response = client.post(reverse("plans:add") + "?purpose=inspection", {
        "purpose": "inspection", "jurisdiction": tree.county_a.pk, "year": 2026, "batch": 1, "title": "2026年现场检查",
        "include_licence": "on", "include_ccc": "on", "method": "simple", "allocation": "proportional",
        "sample_ratio_percent": "5", "examiner_pool_multiple": "3", "roles": ["director"],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = SamplingPlan.objects.get(title="2026年现场检查")
    assert plan.purpose == PlanPurpose.INSPECTION and plan.roles == [] and plan.sampling_unit == "unit"
    listing = client.get(reverse("plans:index") + "?purpose=inspection").content.decode()
    assert "2026年现场检查" in listing


# --- the inspector draw ------------------------------------------------------------------------------


def test_expired_and_missing_certificates_are_never_drawn_the_last_valid_day_is(plan, staff, tree):
    on_the_day = inspectors("day", tree.county_a, 2, valid_until=DAY)
    inspectors("old", tree.county_a, 3, valid_until=DAY - timedelta(days=1))
    inspectors("none", tree.county_a, 3, cert=False)
    drawn = inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)
    assert len(drawn) == 3
    for inspection in drawn:
        assert framed_staff(inspection) == {s.pk for s in on_the_day}
        assert {a.staff_id for a in inspection.assignments.all()} == {s.pk for s in on_the_day}
        assert {a.cert_no for a in inspection.assignments.all()} == {s.enforcement_cert_no for s in on_the_day}
        assert inspection.scheduled_on == DAY


def test_the_day_after_the_last_valid_day_the_certificate_no_longer_counts(plan, staff, tree):
    inspectors("day", tree.county_a, 2, valid_until=DAY)
    with pytest.raises(ValidationError):
        inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY + timedelta(days=1))
    assert not Inspection.objects.exists()


def test_too_few_eligible_names_the_unit_and_the_counts_and_writes_nothing(plan, staff, tree):
    inspectors("in", tree.county_a, 1)
    with pytest.raises(ValidationError) as error:
        inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)
    message = " ".join(error.value.messages)
    first = draw_current(plan=plan).selections.order_by("position").first().unit
    assert first.name in message and "1" in message and "2" in message
    assert not Inspection.objects.exists() and not ItemCheck.objects.exists() and not InspectorAssignment.objects.exists()
    assert not ModelLogEntry.objects.filter(action="inspection.inspectors_draw").exists()


def test_at_least_two_per_unit(plan, staff, tree):
    inspectors("in", tree.county_a, 4)
    with pytest.raises(ValidationError):
        inspectors_draw(actor=staff.operator_a, plan=plan, per_unit=1, on=DAY)
    assert not Inspection.objects.exists()
    drawn = inspectors_draw(actor=staff.operator_a, plan=plan, per_unit=3, on=DAY)
    assert all(i.assignments.count() == 3 for i in drawn)


def test_a_second_call_is_refused(plan, staff, tree):
    inspectors("in", tree.county_a, 3)
    inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)
    before = sorted(InspectorAssignment.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="都已抽取检查人员"):
        inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)
    assert sorted(InspectorAssignment.objects.values_list("pk", flat=True)) == before


def test_another_countys_operator_is_refused(plan, staff, tree):
    inspectors("in", tree.county_a, 3)
    with pytest.raises(PermissionDenied):
        inspectors_draw(actor=staff.operator_b, plan=plan, on=DAY)
    assert not Inspection.objects.exists()


def test_the_person_running_the_draw_is_never_drawn(plan, staff, tree):
    runner = make_staff("runner", "operator", tree.county_a, enforcement_cert_no="33010000", enforcement_cert_valid_until=DAY)
    inspectors("in", tree.county_a, 2)
    for inspection in inspectors_draw(actor=runner.user, plan=plan, on=DAY):
        assert runner.pk not in framed_staff(inspection)


def test_a_small_pool_widens_to_the_citys_other_counties_with_valid_certificates(plan, staff, tree):
    own = inspectors("own", tree.county_a, 1)
    neighbours = inspectors("nb", tree.county_b, 2)
    inspectors("nbold", tree.county_b, 2, valid_until=DAY - timedelta(days=1))
    inspectors("far", tree.county_c, 2)  # another city: never in the pool
    for inspection in inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY):
        assert framed_staff(inspection) == {s.pk for s in own + neighbours}
        pools = {row.split(",")[0]: row.split(",")[2] for row in inspection.inspector_frame_csv.splitlines()[1:]}
        assert pools[f"inspector:{inspection.pk}:{own[0].pk}"] == "own" and pools[f"inspector:{inspection.pk}:{neighbours[0].pk}"] == "city"


def test_a_declared_conflict_recuses_from_that_unit_only(plan, staff, tree):
    pool = inspectors("in", tree.county_a, 3)
    selection = draw_current(plan=plan).selections.order_by("position").first()
    ConflictDeclaration.objects.create(staff=pool[0], unit=selection.unit, reason="亲属在该单位任职")
    for inspection in inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY):
        assert (pool[0].pk in framed_staff(inspection)) is (inspection.unit_id != selection.unit_id)


def test_the_inspectors_of_the_previous_round_are_recused_from_the_same_unit(plan, staff, tree):
    pool = inspectors("in", tree.county_a, 5)
    first = {i.unit_id: {a.staff_id for a in i.assignments.all()} for i in inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)}
    # The next year's round draws the same units (the same frame and seed) and recuses last year's inspectors.
    second_plan = drawn_inspection_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, year=2027)
    assert plan_previous(second_plan) == plan
    for inspection in inspectors_draw(actor=staff.operator_a, plan=second_plan, on=DAY):
        assert not framed_staff(inspection) & first[inspection.unit_id]
        assert framed_staff(inspection) == {s.pk for s in pool} - first[inspection.unit_id]


def test_the_previous_round_is_one_of_the_same_purpose(staff, tree, plan):
    assessment = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, batch=2, title="考核", roles=["director"],
                                             created_by=staff.operator_a)
    later = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2027, title="考核", roles=["director"], created_by=staff.operator_a)
    assert plan_previous(later) == assessment  # not the inspection plan between them
    later_inspection = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2027, title="检查", purpose=PlanPurpose.INSPECTION,
                                                   created_by=staff.operator_a)
    assert plan_previous(later_inspection) == plan


def test_the_inspector_draw_reruns_from_the_stored_frame_and_the_public_seed(plan, staff, tree):
    inspectors("in", tree.county_a, 7)
    seed = draw_current(plan=plan).seed
    for inspection in inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY):
        inspection.refresh_from_db()
        assert verify_draw.frame_sha256(inspection.inspector_frame_csv) == inspection.inspector_frame_sha256
        assert inspection.inspector_frame_csv.splitlines()[0] == "id,stratum,pool,jurisdiction_code,jurisdiction"
        again = verify_draw.draw(verify_draw.read_frame(inspection.inspector_frame_csv), seed, {"": 2})
        stored = list(inspection.assignments.order_by("position").values_list("ticket", "staff_id"))
        assert [(t, int(e.rsplit(":", 1)[1])) for t, e, _s in again] == stored
        assert all(e.startswith(f"inspector:{inspection.pk}:") for e, _s in verify_draw.read_frame(inspection.inspector_frame_csv))


def test_item_checks_keep_the_version_they_were_given(plan, staff, tree):
    inspectors("in", tree.county_a, 3)
    offered = list(InspectionItem.objects.filter(status="active").order_by("sort_order", "code"))
    inspection = inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)[0]
    checks = list(inspection.checks.order_by("position"))
    assert [c.item_version_id for c in checks] == [i.current_version_id for i in offered]
    assert [c.position for c in checks] == list(range(1, len(offered) + 1))
    item = offered[0]
    old_version = item.current_version_id
    current = ItemContent.of(item.current_version)
    item_update(actor=staff.approver_a, item=item, content=ItemContent(**{**current.__dict__, "method": current.method + "（修订）"}))
    item.refresh_from_db()
    assert item.current_version_id != old_version
    assert inspection.checks.get(position=1).item_version_id == old_version


def test_the_draw_is_logged_with_inspectors_recusals_and_frame_hashes(plan, staff, tree):
    inspectors("in", tree.county_a, 3)
    drawn = inspectors_draw(actor=staff.operator_a, plan=plan, on=DAY)
    entry = ModelLogEntry.objects.get(action="inspection.inspectors_draw")
    assert entry.user_id == staff.operator_a.pk and int(entry.object_id) == plan.pk
    data = entry.data
    assert data["on"] == DAY.isoformat() and data["per_unit"] == 2
    assert [e["frame_sha256"] for e in data["inspections"]] == [i.inspector_frame_sha256 for i in drawn]
    assert all(len(e["inspectors"]) == 2 and "recused" in e for e in data["inspections"])


def test_an_assessment_plan_gets_no_inspectors(staff, tree):
    from tests.factories import open_session_with_tickets

    session, _issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3)
    with pytest.raises(ValidationError, match="只有现场检查计划才抽取检查人员"):
        inspectors_draw(actor=staff.operator_a, plan=session.plan, on=DAY)


# --- assessment-only steps refuse an inspection plan ------------------------------------------------


def test_sessions_results_orders_and_reexams_refuse_an_inspection_plan(plan, staff):
    now = timezone.now()
    with pytest.raises(ValidationError, match="这是现场检查计划"):
        session_create(actor=staff.operator_a, plan=plan, name="第一场", mode="online", venue="", starts_at=now, ends_at=now + timedelta(hours=1))
    assert not plan.sessions.exists()
    # The round inspected and closed through its own steps.
    inspectors("cl", plan.jurisdiction, 2, valid_until=timezone.localdate() + timedelta(days=365))
    for inspection in inspectors_draw(actor=staff.operator_a, plan=plan):
        inspection_complete(inspection)
    plan = inspection_round_close(actor=staff.operator_a, plan=plan)
    assert plan.status == PlanStatus.CLOSED
    with pytest.raises(ValidationError, match="这是现场检查计划"):
        rectification_order_drafts(plan)
    with pytest.raises(ValidationError, match="这是现场检查计划"):
        results_publish(actor=staff.operator_a, plan=plan)
    with pytest.raises(ValidationError, match="这是现场检查计划"):
        resit_session_create(actor=staff.operator_a, plan=plan, name="补考", mode="online", venue="",
                             starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))


def test_the_dashboard_rounds_leave_inspection_plans_out(plan, staff, client_for):
    page = client_for(staff.operator_a).get(reverse("wagtailadmin_home")).content.decode()
    assert "现场检查计划" not in page


# --- the console ---------------------------------------------------------------------------------------


def test_the_plan_page_offers_the_inspector_draw_and_then_lists_the_inspections(plan, staff, tree, client_for):
    pool = inspectors("in", tree.county_a, 3)
    client = client_for(staff.operator_a)
    page = client.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    url = reverse("inspection_inspectors_draw", args=[plan.pk])
    assert url in page and reverse("plans:session_create", args=[plan.pk]) not in page
    assert reverse("plans:results", args=[plan.pk]) not in page
    confirm = client.get(url).content.decode()
    assert 'name="on"' in confirm and 'name="per_unit"' in confirm and 'value="2"' in confirm
    response = client.post(url, {"on": DAY.isoformat(), "per_unit": "2"})
    assert response.status_code == 302 and Inspection.objects.filter(plan=plan).count() == 3
    page = client.get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    assigned = InspectorAssignment.objects.filter(inspection__plan=plan).select_related("staff")
    assert all(a.cert_no in page for a in assigned) and url not in page
    assert {a.staff_id for a in assigned} <= {s.pk for s in pool}
    presentation = client.get(reverse("plans:presentation", args=[plan.pk])).content.decode()
    assert all(i.inspector_frame_sha256 in presentation for i in Inspection.objects.filter(plan=plan))


def test_the_console_draw_shows_the_services_refusal(plan, staff, tree, client_for):
    client = client_for(staff.operator_a)
    response = client.post(reverse("inspection_inspectors_draw", args=[plan.pk]), {"on": DAY.isoformat(), "per_unit": "1"}, follow=True)
    assert response.status_code == 200 and not Inspection.objects.exists()
    response = client.post(reverse("inspection_inspectors_draw", args=[plan.pk]), {"on": "tomorrow", "per_unit": "2"})
    assert response.status_code == 200 and not Inspection.objects.exists()


def test_another_countys_plan_is_a_404_and_overseers_cannot_draw(plan, staff, tree, client_for):
    inspectors("in", tree.county_a, 3)
    url = reverse("inspection_inspectors_draw", args=[plan.pk])
    assert client_for(staff.operator_b).get(url).status_code == 404
    assert client_for(staff.operator_b).post(url, {"on": DAY.isoformat(), "per_unit": "2"}).status_code == 404
    assert client_for(staff.overseer).post(url, {"on": DAY.isoformat(), "per_unit": "2"}).status_code in (302, 403)
    assert not Inspection.objects.exists()


def test_staff_console_edits_the_certificate_validity(staff, tree, client_for):
    from supervision.services.staff import staff_update

    profile = make_staff("cert", "operator", tree.county_a)
    with pytest.raises(ValidationError):
        staff_update(actor=staff.admin_a, profile=profile, role="operator", jurisdiction=tree.county_a,
                     enforcement_cert_no="", can_examine=False, enforcement_cert_valid_until=DAY)
    client = client_for(staff.admin_a)
    form = {"jurisdiction": tree.county_a.pk, "role": "operator", "enforcement_cert_no": "", "enforcement_cert_valid_until": DAY.isoformat()}
    assert client.post(reverse("staff:edit", args=[profile.pk]), form).status_code == 200
    form["enforcement_cert_no"] = "33011000123"
    assert client.post(reverse("staff:edit", args=[profile.pk]), form).status_code == 302
    profile.refresh_from_db()
    assert profile.enforcement_cert_valid_until == DAY
    entry = ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(profile.pk)).latest("timestamp")
    assert entry.data["after"]["enforcement_cert_valid_until"] == DAY.isoformat()
    assert "2026" in client.get(reverse("staff:index")).content.decode()
