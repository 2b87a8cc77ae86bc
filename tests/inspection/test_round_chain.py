"""One inspection round end to end through the services only (issue 17): the plan is drawn, the
inspectors are drawn (one from the city's other county, the widened pool), they record every item,
the Art. 10–12 records and a hazard not corrected, both sign, the unit confirms, the order follows
with the Art. 17 warning, the results page is approved and public."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cms.services import inspection_results_publish
from inspection.models import CheckResult, FindingConsequence, InspectionStatus, RecordKind
from inspection.services.assignments import inspectors_draw
from inspection.services.findings import inspection_order_issue
from inspection.services.records import check_record, hazard_record, inspector_sign, representative_confirm, sighting_record
from supervision.models import DecisionKind, OrderSource
from tests.cms.test_results_publication import approve
from tests.factories import drawn_inspection_plan, make_staff


@pytest.mark.django_db
def test_a_round_from_the_draw_to_the_public_page(staff, tree, client, client_for):
    today = timezone.localdate()
    valid = today + timedelta(days=365)
    # The county has one inspector with a valid certificate: the plan widens the pool to the city.
    own = make_staff("insp-own", "approver", tree.county_a, full_name="钱检查", enforcement_cert_no="33011001", enforcement_cert_valid_until=valid)
    neighbour = make_staff("insp-nb", "operator", tree.county_b, full_name="孙检查", enforcement_cert_no="33011302", enforcement_cert_valid_until=valid)
    make_staff("insp-old", "operator", tree.county_a, enforcement_cert_no="33011003", enforcement_cert_valid_until=today - timedelta(days=1))
    plan = drawn_inspection_plan(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=3, sample=1)
    [inspection] = inspectors_draw(actor=staff.operator_a, plan=plan, on=today)
    assert {a.staff for a in inspection.assignments.all()} == {own, neighbour}  # the expired one never

    # The neighbour records the inspection they were drawn for (not another of the county's).
    checks = list(inspection.checks.select_related("item_version").order_by("position"))
    art17 = next(c for c in checks if c.item_version.consequence == FindingConsequence.ART17)
    for check in checks:
        check_record(actor=neighbour.user, check=check, result=CheckResult.NONCONFORM if check == art17 else CheckResult.CONFORM)
    for kind in RecordKind.values:
        sighting_record(actor=own.user, inspection=inspection, kind=kind, seen=True, period_start=today - timedelta(days=30), period_end=today)
    hazard_record(actor=own.user, inspection=inspection, client_id="7b0a8a9e-3f57-4a8e-9d7c-0c9bde3c1f11",
                  description="月调度纪要所列的仓库消防隐患未整改", record_kind=RecordKind.MONTHLY, corrected=False)
    assert client_for(neighbour.user).get(f"/admin/inspection/{inspection.pk}/record/").status_code == 200
    inspector_sign(actor=own.user, inspection=inspection)
    inspector_sign(actor=neighbour.user, inspection=inspection)
    inspection = representative_confirm(actor=own.user, inspection=inspection, name="赵经理", post="质量安全总监")
    assert inspection.status == InspectionStatus.COMPLETED
    with pytest.raises(PermissionDenied):  # completed: the record no longer changes
        check_record(actor=own.user, check=art17, result=CheckResult.CONFORM)

    order = inspection_order_issue(actor=staff.operator_a, inspection=inspection)
    assert (order.source_kind, order.source_id, order.unit_id) == (OrderSource.INSPECTION, inspection.pk, inspection.unit_id)
    assert art17.item_version.legal_basis in order.legal_basis
    assert order.decisions.filter(kind=DecisionKind.WARNING).exists()  # Art. 17: 责令改正，给予警告

    page = approve(inspection_results_publish(actor=staff.operator_a, plan=plan), staff.approver_a)
    html = client.get(page.url).content.decode()
    assert inspection.unit.name in html and "1 项不符合" in html and "1 项隐患未整改" in html and "整改中" in html
    for name in ("钱检查", "孙检查", "赵经理"):
        assert name not in html
