"""Demo data for on-site inspection (Order 75 Art. 14): the demo staff's 执法证 validity, and an
inspection plan of 余杭区 approved, frozen, drawn, with its inspectors drawn.

One demo certificate has expired, so the demo shows that its holder is never drawn; with only one
other valid certificate in 余杭区 (the operator runs the draw and is never in it), the pool widens
to 临平区's enforcement staff as the plan allows. Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessment.models import PlanPurpose, SamplingPlan
from assessment.services import sampling
from supervision.demo import DEMO_COUNTY
from supervision.models import Jurisdiction, StaffProfile
from supervision.services.staff import staff_update

from .models import Inspection
from .services.assignments import inspectors_draw

DEMO_INSPECTION_TITLE = "2026年度余杭区工业产品生产单位质量安全主体责任落实情况现场检查（演示）"
DEMO_INSPECTION_SEED = "27182818284590452353602874"
DEMO_INSPECTION_UNITS = 5
# 执法证 validity of the demo staff: yuhang-admin's has expired (never drawn).
DEMO_CERT_VALID_UNTIL = {
    "yuhang-operator": date(2028, 12, 31),
    "yuhang-approver": date(2028, 12, 31),
    "yuhang-admin": date(2026, 6, 30),
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
    return plan
