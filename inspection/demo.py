"""Demo data for on-site inspection (Order 75 Art. 14): the demo staff's 执法证 validity, and an
inspection plan of 余杭区 approved, frozen, drawn, with its inspectors drawn, every unit inspected
(one with findings and its order), its results published by the public site's demo (cms/demo.py).

One demo certificate has expired, so the demo shows that its holder is never drawn. 余杭区 has three
other valid certificates (its approver and two enforcement officers; the operator runs the draw and
is never in it), fewer than the plan's pool multiple asks (3 × 2), so the pool widens to 临平区's
enforcement staff as the plan allows; a second round still finds two for a unit whose inspectors of
this round are recused. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment.models import PlanPurpose, PlanStatus, SamplingPlan
from assessment.services import sampling
from supervision.demo import DEMO_COUNTY
from supervision.models import Jurisdiction, StaffProfile
from supervision.services.staff import staff_update

from .models import CheckResult, FindingConsequence, Inspection, InspectionStatus, RecordKind
from .selectors import round_close_problems
from .services.assignments import inspectors_draw
from .services.findings import inspection_order_issue
from .services.rounds import inspection_round_close
from .services.records import check_record, hazard_record, inspector_sign, representative_confirm, sighting_record

DEMO_INSPECTION_TITLE = "2026年度余杭区工业产品生产单位质量安全主体责任落实情况现场检查（演示）"
DEMO_INSPECTION_SEED = "27182818284590452353602874"
DEMO_INSPECTION_UNITS = 5
# The demo round's story, unit by unit in draw order: which units show a finding (an item under
# Art. 17 not conforming, a hazard from the monthly minutes left uncorrected) and one hazard corrected.
DEMO_FINDING_UNITS = (0,)
DEMO_CORRECTED_HAZARD_UNITS = (1,)
# 执法证 validity of the demo staff: yuhang-admin's has expired (never drawn).
DEMO_CERT_VALID_UNTIL = {
    "yuhang-operator": date(2028, 12, 31),
    "yuhang-approver": date(2028, 12, 31),
    "yuhang-admin": date(2026, 6, 30),
    "yuhang-inspector1": date(2029, 6, 30),
    "yuhang-inspector2": date(2029, 6, 30),
    "linping-operator": date(2027, 12, 31),
}


def seed_certificates() -> None:
    """Give the demo staff their certificates' validity, through the staff service (logged)."""
    profiles = StaffProfile.objects.select_related("user", "jurisdiction").filter(user__username__in=DEMO_CERT_VALID_UNTIL)
    for profile in profiles:
        valid_until = DEMO_CERT_VALID_UNTIL[profile.user.username]
        if profile.enforcement_cert_valid_until == valid_until:
            continue
        staff_update(actor=None, profile=profile, role=profile.role, jurisdiction=profile.jurisdiction,
                     enforcement_cert_no=profile.enforcement_cert_no or f"33{profile.jurisdiction.code}{profile.pk:04d}",
                     can_examine=profile.can_examine, enforcement_cert_valid_until=valid_until)


def seed_inspection_plan() -> SamplingPlan:
    """The demo inspection plan: drafted by 余杭区's operator, approved by its approver, frozen,
    drawn at the public draw, and its inspectors drawn for today."""
    seed_certificates()
    User = get_user_model()
    operator = User.objects.get(username="yuhang-operator")
    approver = User.objects.get(username="yuhang-approver")
    plan = SamplingPlan.objects.filter(title=DEMO_INSPECTION_TITLE).first()
    if plan is None:
        plan = SamplingPlan.objects.create(
            jurisdiction=Jurisdiction.objects.get(code=DEMO_COUNTY), year=2026, batch=1, title=DEMO_INSPECTION_TITLE,
            purpose=PlanPurpose.INSPECTION, roles=[], created_by=operator, sample_size=DEMO_INSPECTION_UNITS,
        )
        sampling.plan_submit(actor=operator, plan=plan)
        sampling.plan_approve(actor=approver, plan=plan)
        sampling.frame_freeze(actor=operator, plan=plan)
        sampling.draw_perform(actor=operator, plan=plan, seed=DEMO_INSPECTION_SEED)
    if not Inspection.objects.filter(plan=plan).exists():
        inspectors_draw(actor=operator, plan=plan, on=timezone.localdate())
    seed_inspection_records(plan)
    return plan


def seed_inspection_records(plan: SamplingPlan) -> None:
    """Every inspection of the demo round recorded by its two drawn inspectors through the
    services (items, the Art. 10–12 records, hazards), signed by both, confirmed by the unit, and
    the order (with the Art. 17 warning) issued for the unit with findings; then the round closed.
Skips what is done."""
    User = get_user_model()
    operator = User.objects.get(username="yuhang-operator")
    today = timezone.localdate()
    inspections = list(Inspection.objects.filter(plan=plan).select_related("unit").order_by("selection__position"))
    for index, inspection in enumerate(inspections):
        if inspection.status == InspectionStatus.ASSIGNED:
            first, second = [a.staff.user for a in inspection.assignments.select_related("staff__user").order_by("position")][:2]
            checks = list(inspection.checks.select_related("item_version").order_by("position"))
            finding = next((c for c in checks if c.item_version.consequence == FindingConsequence.ART17), None) if index in DEMO_FINDING_UNITS else None
            for check in checks:
                check_record(actor=first, check=check, result=CheckResult.NONCONFORM if check == finding else CheckResult.CONFORM,
                             note="未建立《每日工业产品质量安全检查记录》" if check == finding else "")
            for kind in RecordKind.values:
                sighting_record(actor=second, inspection=inspection, kind=kind, seen=True,
                                period_start=today.replace(day=1) if today.day > 1 else today, period_end=today)
            if index in DEMO_FINDING_UNITS:
                hazard_record(actor=second, inspection=inspection, client_id=f"5a1e0000-0000-4000-8000-{inspection.pk:012d}",
                              description="月调度会议纪要记载的原料仓库消防通道堵塞，未整改", record_kind=RecordKind.MONTHLY, corrected=False)
            if index in DEMO_CORRECTED_HAZARD_UNITS:
                hazard_record(actor=second, inspection=inspection, client_id=f"5a1e0000-0000-4000-9000-{inspection.pk:012d}",
                              description="每周排查报告所列的检验仪器超期未校准", record_kind=RecordKind.WEEKLY, corrected=True,
                              correction_note="已送检校准，见校准证书")
            inspector_sign(actor=first, inspection=inspection)
            inspector_sign(actor=second, inspection=inspection)
            representative_confirm(actor=first, inspection=inspection, name="（演示）单位负责人", post="质量安全总监")
        inspection.refresh_from_db()
        if index in DEMO_FINDING_UNITS and inspection.status == InspectionStatus.COMPLETED and inspection.order_id is None:
            inspection_order_issue(actor=operator, inspection=inspection)
    plan.refresh_from_db()
    if plan.status == PlanStatus.DRAWN and not round_close_problems(plan=plan):
        inspection_round_close(actor=operator, plan=plan)
