"""The examiner pool (issue 12, item 6): the second random of 双随机 in a small bureau.

The person running the draw is never drawn; a bureau whose eligible staff are fewer than the plan's
multiple of the examiners needed also draws from the city's other counties (执法检查人员名录库),
recusal applying to them too; the examiner frame is hashed, stored and published like the unit frame."""

import csv
import hashlib
import io
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment import verify_draw
from assessment.models import ConflictDeclaration, ExaminerPool, ExamSession, SamplingPlan
from assessment.services.sampling import plan_close
from assessment.services.sessions import city_of, examiners_draw
from cms.services import results_publish
from tests.factories import make_staff, open_session_with_tickets


@pytest.fixture
def session(staff, tree):
    session, _issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=5)
    return session


@pytest.fixture
def runner(tree):
    """An operator of county A who can examine and runs the draw: never drawn for it."""
    return make_staff("op-runner", "operator", tree.county_a, can_examine=True)


def examiners(prefix, jurisdiction, n):
    return [make_staff(f"{prefix}{i}", "operator", jurisdiction, can_examine=True) for i in range(n)]


def frame_rows(session):
    session = ExamSession.objects.get(pk=session.pk)
    return list(csv.DictReader(io.StringIO(session.examiner_frame_csv)))


def frame_staff(session):
    return {int(row["id"].rsplit(":", 1)[1]) for row in frame_rows(session)}


def pooled_session(staff, tree, **settings):
    """A session of a plan whose pool settings were set on the draft, as the plan form does."""
    session, _issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a,
                                                 units=5, plan_options=settings)
    return session


# --- the person running the draw ----------------------------------------------------------------


def test_the_person_running_the_draw_is_never_in_the_frame(session, runner, tree):
    own = examiners("ex", tree.county_a, 8)
    assignments = examiners_draw(actor=runner.user, session=session)
    assert runner.pk not in frame_staff(session)
    assert frame_staff(session) == {s.pk for s in own}
    assert runner.pk not in {a.staff_id for a in assignments} and len(assignments) == 2


def test_actor_and_one_more_is_refused_not_drawn(session, runner, tree):
    other = examiners("ex", tree.county_a, 1)[0]
    with pytest.raises(ValidationError):
        examiners_draw(actor=runner.user, session=session)
    session.refresh_from_db()
    assert not session.assignments.exists()
    assert session.examiner_frame_csv == "" and session.examiner_frame_sha256 == ""  # nothing half-done
    # Someone else running it may draw both: the rule is about who runs the draw, not who can examine.
    admin = make_staff("ad-runner", "admin", tree.county_a)
    drawn = {a.staff_id for a in examiners_draw(actor=admin.user, session=session)}
    assert drawn == {runner.pk, other.pk}


# --- widening: the boundary ---------------------------------------------------------------------


@pytest.mark.parametrize(("multiple", "own", "widened"), [(3, 5, True), (3, 6, False), (2, 3, True), (2, 4, False), (1, 2, False)])
def test_widened_below_the_multiple_of_examiners_needed_not_at_it(staff, runner, tree, multiple, own, widened):
    session = pooled_session(staff, tree, examiner_pool_multiple=multiple)
    own_staff = examiners("ex", tree.county_a, own)
    neighbours = examiners("nb", tree.county_b, 2)
    examiners_draw(actor=runner.user, session=session, count=2)
    expected = {s.pk for s in own_staff} | ({s.pk for s in neighbours} if widened else set())
    assert frame_staff(session) == expected
    assert ExamSession.objects.get(pk=session.pk).examiner_pool == (ExaminerPool.CITY if widened else ExaminerPool.OWN)


def test_the_threshold_counts_the_examiners_needed(session, runner, tree):
    # 3 examiners × 3 = 9: eight of the bureau's own are too few.
    examiners("ex", tree.county_a, 8)
    neighbours = examiners("nb", tree.county_b, 1)
    assignments = examiners_draw(actor=runner.user, session=session, count=3)
    assert neighbours[0].pk in frame_staff(session) and len(assignments) == 3


def test_eligible_is_counted_after_recusal(session, runner, tree):
    own = examiners("ex", tree.county_a, 6)
    unit = session.tickets.first().person.unit
    ConflictDeclaration.objects.create(staff=own[0], unit=unit, reason="亲属在该单位任职")
    neighbours = examiners("nb", tree.county_b, 1)
    examiners_draw(actor=runner.user, session=session)
    assert frame_staff(session) == {s.pk for s in own[1:]} | {neighbours[0].pk}  # 5 < 6 after recusal


def test_widened_pool_is_the_citys_other_counties_never_another_city(session, runner, tree):
    own = examiners("ex", tree.county_a, 1)
    neighbours = examiners("nb", tree.county_b, 2)
    other_city = examiners("oc", tree.county_c, 3)
    city_bureau = make_staff("city-ex", "operator", tree.city, can_examine=True)
    not_examiner = make_staff("nb-no", "operator", tree.county_b)
    examiners_draw(actor=runner.user, session=session)
    rows = frame_rows(session)
    assert frame_staff(session) == {own[0].pk} | {s.pk for s in neighbours}
    assert not frame_staff(session) & ({s.pk for s in other_city} | {city_bureau.pk, not_examiner.pk})
    assert {(row["pool"], row["jurisdiction_code"]) for row in rows} == {("own", tree.county_a.code), ("city", tree.county_b.code)}
    assert all(row["stratum"] == "" for row in rows)


def test_recusal_applies_to_the_widened_staff(session, runner, tree):
    examiners("ex", tree.county_a, 1)
    neighbours = examiners("nb", tree.county_b, 3)
    unit = session.tickets.first().person.unit
    ConflictDeclaration.objects.create(staff=neighbours[0], unit=unit, reason="曾在该单位任职")
    examiners_draw(actor=runner.user, session=session)
    assert neighbours[0].pk not in frame_staff(session)
    assert {s.pk for s in neighbours[1:]} <= frame_staff(session)
    entry = ModelLogEntry.objects.filter(action="assessment.examiners_draw").get()
    assert neighbours[0].pk in entry.data["recused"]


def test_no_widening_when_the_plan_says_so(staff, runner, tree):
    session = pooled_session(staff, tree, examiner_pool_widen=False)
    own = examiners("ex", tree.county_a, 3)
    examiners("nb", tree.county_b, 4)
    examiners_draw(actor=runner.user, session=session)
    assert frame_staff(session) == {s.pk for s in own}
    assert ExamSession.objects.get(pk=session.pk).examiner_pool == ExaminerPool.OWN


def test_no_widening_refuses_when_too_few_even_with_neighbours(staff, runner, tree):
    session = pooled_session(staff, tree, examiner_pool_widen=False)
    examiners("ex", tree.county_a, 1)
    examiners("nb", tree.county_b, 4)
    with pytest.raises(ValidationError):
        examiners_draw(actor=runner.user, session=session)
    assert not ExamSession.objects.get(pk=session.pk).assignments.exists()


def test_widening_that_is_still_too_few_is_refused(session, runner, tree):
    examiners("ex", tree.county_a, 1)
    examiners("oc", tree.county_c, 5)  # another city's staff never count
    with pytest.raises(ValidationError):
        examiners_draw(actor=runner.user, session=session)


def test_only_a_county_plan_has_a_wider_pool(tree):
    assert city_of(tree.county_a) == tree.city
    assert city_of(tree.city) is None and city_of(tree.province) is None


# --- verifiable: the frame, its hash, the log ---------------------------------------------------


def test_frame_hash_matches_and_verify_draw_reruns_the_examiner_draw(session, runner, tree, tmp_path):
    examiners("ex", tree.county_a, 2)
    examiners("nb", tree.county_b, 3)
    assignments = examiners_draw(actor=runner.user, session=session)
    session.refresh_from_db()
    assert session.examiner_frame_sha256 == hashlib.sha256(session.examiner_frame_csv.encode("utf-8")).hexdigest()
    ids = [row["id"] for row in frame_rows(session)]
    assert ids == sorted(ids)
    path = tmp_path / "examiners.csv"
    path.write_bytes(session.examiner_frame_csv.encode("utf-8"))
    seed = session.plan.draws.get().seed
    out = subprocess.run([sys.executable, "-I", "-S", "assessment/verify_draw.py", str(path), seed, "--size", "2"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [f"examiner:{session.pk}:{a.staff_id}" for a in sorted(assignments, key=lambda a: a.position)]
    entry = ModelLogEntry.objects.filter(action="assessment.examiners_draw").get()
    assert entry.data["pool"] == "city" and entry.data["widened"] is True
    assert entry.data["frame_sha256"] == session.examiner_frame_sha256 and entry.data["frame_size"] == 5
    assert entry.data["excluded_actor"] == runner.pk and entry.data["recused"] == []


def test_the_frame_names_no_one(session, runner, tree):
    own = examiners("ex", tree.county_a, 6)
    examiners_draw(actor=runner.user, session=session)
    text = ExamSession.objects.get(pk=session.pk).examiner_frame_csv
    assert text.splitlines()[0] == "id,stratum,pool,jurisdiction_code,jurisdiction"
    assert "测试人员" not in text and not any(s.user.username in text for s in own)


# --- the console and the public page ------------------------------------------------------------


def test_the_console_offers_the_frame_to_its_bureau_only(session, runner, staff, tree, client_for):
    examiners("ex", tree.county_a, 6)
    examiners_draw(actor=runner.user, session=session)
    session.refresh_from_db()
    url = reverse("plans:session_examiner_frame", args=[session.plan_id, session.pk])
    own = client_for(staff.operator_a).get(url)
    assert own.status_code == 200 and own.content.decode("utf-8") == session.examiner_frame_csv
    assert client_for(staff.operator_b).get(url).status_code == 404
    assert client_for(staff.overseer).get(url).status_code == 200  # the city reads its counties
    page = client_for(staff.operator_a).get(reverse("plans:inspect", args=[session.plan_id])).content.decode()
    assert session.examiner_frame_sha256 in page and url in page
    roster = client_for(staff.operator_a).get(reverse("plans:session_roster", args=[session.plan_id, session.pk])).content.decode()
    assert session.examiner_frame_sha256 in roster


def test_no_frame_before_the_draw_is_a_404(session, staff, client_for):
    url = reverse("plans:session_examiner_frame", args=[session.plan_id, session.pk])
    assert client_for(staff.operator_a).get(url).status_code == 404


def test_the_plan_form_has_the_pool_settings(staff, tree, client_for):
    client = client_for(staff.operator_a)
    html = client.get(reverse("plans:add")).content.decode()
    assert 'name="examiner_pool_widen"' in html and 'name="examiner_pool_multiple"' in html
    response = client.post(reverse("plans:add"), {
        "jurisdiction": tree.county_a.pk, "year": 2026, "batch": 1, "title": "小局计划", "include_ccc": "on",
        "roles": ["director"], "sampling_unit": "unit", "method": "simple", "allocation": "proportional",
        "sample_ratio_percent": "10", "examiner_pool_multiple": "4",  # the box unticked: no widening
    })
    assert response.status_code == 302
    plan = SamplingPlan.objects.get()
    assert plan.examiner_pool_widen is False and plan.examiner_pool_multiple == 4


def test_the_public_page_publishes_the_examiner_frame(session, runner, staff, tree, client, tmp_path):
    examiners("nb", tree.county_b, 3)
    assignments = examiners_draw(actor=runner.user, session=session)
    session.refresh_from_db()
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):  # the session is over
        plan = plan_close(actor=staff.operator_a, plan=session.plan)
        page = results_publish(actor=staff.operator_a, plan=plan)
        page.current_workflow_state.current_task_state.approve(user=staff.approver_a)
    page.refresh_from_db()
    html = client.get(page.url).content.decode()
    assert session.examiner_frame_sha256 in html
    download = client.get(page.url + page.reverse_subpage("examiner_frame_file", args=[session.pk]))
    assert download.status_code == 200 and download.content.decode("utf-8") == session.examiner_frame_csv
    assert client.get(page.url + page.reverse_subpage("examiner_frame_file", args=[session.pk + 999])).status_code == 404
    rows = verify_draw.read_frame(download.content.decode("utf-8"))
    again = [e for _t, e, _s in verify_draw.draw(rows, page.snapshot["draw"]["seed"], {"": len(assignments)})]
    assert again == [f"examiner:{session.pk}:{a.staff_id}" for a in sorted(assignments, key=lambda a: a.position)]
    frame = page.snapshot["examiner_frames"][0]
    assert frame["pool"] == "city" and frame["size"] == 3 and frame["drawn"] == 2
