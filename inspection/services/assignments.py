"""The inspector draw (the second random of 双随机 for an on-site inspection, Order 75 Art. 14).

Each drawn unit of an inspection plan becomes an `Inspection` with the items of the list in their
current version, and its inspectors are drawn with the plan's public seed and the same consistent
sampler as the units (`assessment.verify_draw`), from the enforcement staff whose 执法证 is valid on
the day of the inspection, after recusal. The pool is the examiners' (`staff_pool`): the plan's own
subtree, widened to the city's other counties as the plan says. Each inspection's frame is stored
and hashed before its draw, so that the public can re-run it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from assessment import verify_draw
from assessment.models import ConflictDeclaration, DrawSelection, ExaminerPool, PlanPurpose, PlanStatus, SamplingPlan
from assessment.selectors import draw_current
from assessment.services.sessions import plan_previous, staff_frame_csv, staff_pool
from supervision.authorization import authorize
from supervision.models import StaffProfile
from supervision.scoping import staff_profile_of

from ..models import MIN_INSPECTORS, Inspection, InspectorAssignment, ItemCheck
from ..selectors import items_offered


def inspector_candidates(plan: SamplingPlan, *, pool: str, exclude_pk: int | None, on: date) -> list[StaffProfile]:
    """Staff of the pool holding an enforcement certificate (执法证) valid on `on`: a certificate
    valid until that very day counts; an expired one, or none, is never drawn."""
    staff = staff_pool(plan, pool=pool, exclude_pk=exclude_pk)
    return list(staff.exclude(enforcement_cert_no="").filter(enforcement_cert_valid_until__gte=on))


def inspectors_recused(*, unit_id: int, candidates: list[StaffProfile], previous: SamplingPlan | None) -> set[int]:
    """回避: staff who declared a conflict with the unit, or inspected it in the jurisdiction's
    previous inspection round."""
    recused = set(ConflictDeclaration.objects.filter(unit_id=unit_id, staff__in=candidates).values_list("staff_id", flat=True))
    if previous is not None:
        recused |= set(InspectorAssignment.objects.filter(inspection__plan=previous, inspection__unit_id=unit_id)
                       .values_list("staff_id", flat=True))
    return recused


@dataclass
class _UnitPool:
    """One unit's inspector pool after recusal, worked out before anything is written."""

    selection: DrawSelection
    pools: dict[str, list[StaffProfile]]
    recused: set[int]
    widened: bool
    size: int = field(init=False)

    def __post_init__(self):
        self.size = sum(len(staff) for staff in self.pools.values())


def _unit_pool(plan, selection, *, own, city, previous, per_unit) -> _UnitPool:
    recused = inspectors_recused(unit_id=selection.unit_id, candidates=own, previous=previous)
    pools = {ExaminerPool.OWN: [s for s in own if s.pk not in recused]}
    widened = plan.examiner_pool_widen and len(pools[ExaminerPool.OWN]) < plan.examiner_pool_multiple * per_unit
    if widened:
        candidates = city()
        recused |= inspectors_recused(unit_id=selection.unit_id, candidates=candidates, previous=previous)
        pools[ExaminerPool.CITY] = [s for s in candidates if s.pk not in recused]
    return _UnitPool(selection, pools, recused, widened)


def _shortfall_message(pools: list[_UnitPool], per_unit: int, plan: SamplingPlan) -> str:
    lines = [
        _("%(unit)s: only %(n)s enforcement staff with a valid certificate remain after recusal; %(needed)s are needed.")
        % {"unit": p.selection.unit.name, "n": p.size, "needed": per_unit}
        for p in pools
    ]
    if not plan.examiner_pool_widen:
        lines.append(_("The plan does not widen the pool to the city's other counties."))
    return " ".join(lines)


def _inspection_create(*, plan, draw, unit_pool: _UnitPool, items, per_unit: int, on: date) -> tuple[Inspection, list[InspectorAssignment]]:
    selection = unit_pool.selection
    inspection = Inspection.objects.create(plan=plan, selection=selection, unit_id=selection.unit_id, scheduled_on=on)
    ItemCheck.objects.bulk_create([
        ItemCheck(inspection=inspection, item_version_id=item.current_version_id, position=position)
        for position, item in enumerate(items, start=1)
    ])
    prefix = f"inspector:{inspection.pk}"
    eligible = {f"{prefix}:{s.pk}": s for staff in unit_pool.pools.values() for s in staff}
    text = staff_frame_csv(prefix, unit_pool.pools)
    inspection.inspector_frame_csv, inspection.inspector_frame_sha256 = text, verify_draw.frame_sha256(text)
    inspection.save(update_fields=["inspector_frame_csv", "inspector_frame_sha256"])
    # Drawn from the very file just stored, as the public re-runs it.
    chosen = verify_draw.draw(verify_draw.read_frame(text), draw.seed, {"": per_unit})
    assignments = InspectorAssignment.objects.bulk_create([
        InspectorAssignment(inspection=inspection, staff=eligible[element_id], ticket=ticket, position=position,
                            cert_no=eligible[element_id].enforcement_cert_no)
        for position, (ticket, element_id, _s) in enumerate(chosen, start=1)
    ])
    return inspection, assignments


@transaction.atomic
def inspectors_draw(*, actor, plan: SamplingPlan, per_unit: int = MIN_INSPECTORS, on: date | None = None) -> list[Inspection]:
    """Make an inspection for every drawn unit that has none yet and draw its inspectors.

    At least two per unit (行政处罚法 Art. 42); the person running the draw is never drawn. Every
    unit's pool is checked before anything is written: one unit with too few eligible staff and
    nothing is made. Called again once every unit has its inspection, it is refused."""
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=plan.pk)
    if plan.purpose != PlanPurpose.INSPECTION:
        raise ValidationError(_("Inspectors are drawn for on-site inspection plans only."))
    if per_unit < MIN_INSPECTORS:
        raise ValidationError(_("At least %(n)s inspectors per unit (Administrative Penalty Law Art. 42).") % {"n": MIN_INSPECTORS})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("The inspection round is closed: nothing more is drawn for it."))
    draw = draw_current(plan=plan)
    if draw is None:
        raise ValidationError(_("Draw the units first: inspectors are drawn with the plan's public seed."))
    on = on or timezone.localdate()
    selections = list(draw.selections.filter(withdrawn_reason="", inspection__isnull=True).select_related("unit").order_by("position"))
    if not selections:
        raise ValidationError(_("Inspectors have already been drawn for every unit of this plan."))
    items = list(items_offered())
    if not items:
        raise ValidationError(_("The inspection item list has no active item: an inspection would have nothing to check."))
    operator = staff_profile_of(actor)
    exclude_pk = operator.pk if operator else None
    own = inspector_candidates(plan, pool=ExaminerPool.OWN, exclude_pk=exclude_pk, on=on)
    # The city's other counties are read once, and only if some unit's own pool is too small.
    city = functools.cache(lambda: inspector_candidates(plan, pool=ExaminerPool.CITY, exclude_pk=exclude_pk, on=on))

    previous = plan_previous(plan)
    pools = [_unit_pool(plan, s, own=own, city=city, previous=previous, per_unit=per_unit) for s in selections]
    short = [p for p in pools if p.size < per_unit]
    if short:
        raise ValidationError(_shortfall_message(short, per_unit, plan))
    drawn, entries = [], []
    for unit_pool in pools:
        inspection, assignments = _inspection_create(plan=plan, draw=draw, unit_pool=unit_pool, items=items, per_unit=per_unit, on=on)
        drawn.append(inspection)
        entries.append({
            "inspection": inspection.pk, "unit": inspection.unit_id, "inspectors": [a.staff_id for a in assignments],
            "cert_nos": [a.cert_no for a in assignments], "recused": sorted(unit_pool.recused), "widened": unit_pool.widened,
            "frame_sha256": inspection.inspector_frame_sha256, "frame_size": unit_pool.size,
        })
    log(instance=plan, action="inspection.inspectors_draw", user=actor, data={
        "draw": draw.pk, "on": on.isoformat(), "per_unit": per_unit, "items": [i.current_version_id for i in items],
        "inspections": entries, "excluded_actor": exclude_pk,
    })
    return drawn
