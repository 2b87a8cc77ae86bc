import pytest
from django.core.management import call_command

from assessment.models import Question
from supervision.models import Person, ProductionUnit, StaffProfile


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "yuhang-operator" in out and "hangzhou-overseer" in out and "demo-Zlaq-2026" in out
    counts = (ProductionUnit.objects.count(), Person.objects.count(), Question.objects.count(), StaffProfile.objects.count())
    assert counts[0] >= 300 and counts[1] >= counts[0] and counts[2] >= 150
    inspections = _demo_inspections()
    call_command("seed_demo")
    assert (ProductionUnit.objects.count(), Person.objects.count(), Question.objects.count(), StaffProfile.objects.count()) == counts
    assert _demo_inspections() == inspections


def _demo_inspections():
    """The demo's inspection plan (issue 17): drawn, each unit with two inspectors holding a valid
    certificate; yuhang-admin's has expired and the operator ran the draw, so neither is drawn."""
    from inspection.demo import DEMO_INSPECTION_TITLE
    from inspection.models import InspectorAssignment

    assignments = InspectorAssignment.objects.filter(inspection__plan__title=DEMO_INSPECTION_TITLE).select_related("staff__user", "inspection")
    by_inspection = {}
    for a in assignments:
        by_inspection.setdefault(a.inspection_id, set()).add(a.staff.user.username)
    assert len(by_inspection) == 5 and all(len(names) == 2 for names in by_inspection.values())
    drawn = set().union(*by_inspection.values())
    assert "yuhang-admin" not in drawn and "yuhang-operator" not in drawn
    # A finished round: every unit inspected, one with findings and its order (with the Art. 17
    # warning), the results page approved and public.
    from cms.models import InspectionResultsPage
    from inspection.models import Inspection, InspectionStatus
    from supervision.models import DecisionKind

    inspections = Inspection.objects.filter(plan__title=DEMO_INSPECTION_TITLE)
    assert {i.status for i in inspections} == {InspectionStatus.COMPLETED}
    assert inspections[0].plan.status == "closed"  # the round closed through its step
    ordered = [i for i in inspections.select_related("order") if i.order_id]
    assert len(ordered) == 1 and ordered[0].order.decisions.filter(kind=DecisionKind.WARNING).exists()
    page = InspectionResultsPage.objects.get(plan__title=DEMO_INSPECTION_TITLE)
    assert page.live and len(page.snapshot["units"]) == 5
    return sorted((pk, tuple(sorted(names))) for pk, names in by_inspection.items())
