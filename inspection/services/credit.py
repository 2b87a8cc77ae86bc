"""An inspection's result in the unit's quality credit record (issue 18): pushed through
supervision's service when the inspection is completed, and again on `credit_backfill`
(registered in `ready()`); supervision never reads the inspection tables (DESIGN.md §8)."""

from __future__ import annotations

from datetime import date

from supervision.models import CreditEventKind, CreditSourceKind
from supervision.services.credit import CreditReport, credit_events_record

from ..articles import citation
from ..models import Inspection, InspectionStatus
from .findings import inspection_findings


def inspection_credit_reports(inspection: Inspection) -> list[CreditReport]:
    """Order 75 Art. 14: a completed inspection is passed, or has findings (a 不符合 item or a hazard not corrected)."""
    if inspection.status != InspectionStatus.COMPLETED:
        return []
    checks, hazards = inspection_findings(inspection)
    kind = CreditEventKind.INSPECTION_FINDINGS if checks or hazards else CreditEventKind.INSPECTION_PASSED
    return [CreditReport(unit_id=inspection.unit_id, kind=kind, occurred_on=inspection.inspected_on, source_kind=CreditSourceKind.INSPECTION,
                         source_id=inspection.pk, source_label=inspection.plan.title, article=citation("75-14"),
                         detail="、".join(str(c.position) for c in checks))]


def inspection_credit_report(*, inspection: Inspection, actor=None) -> list:
    """Push a completed inspection's result (once per inspection)."""
    return credit_events_record(reports=inspection_credit_reports(inspection), actor=actor)


def inspection_credit_sources(*, since: date | None = None) -> list[CreditReport]:
    """Every completed inspection's event again, for `credit_backfill`."""
    inspections = Inspection.objects.filter(status=InspectionStatus.COMPLETED).select_related("plan").order_by("pk")
    if since:
        inspections = inspections.filter(inspected_on__gte=since)
    return [report for inspection in inspections for report in inspection_credit_reports(inspection)]
