"""双随机、一公开: plans, frozen frames, public seeds and verifiable draws.

The draw itself is `assessment/verify_draw.py`, the same file the public downloads, so what the
platform drew and what anyone re-runs cannot differ."""

from __future__ import annotations

import hashlib
import math
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.models import CreditClass, Person, ProductionUnit

from .. import verify_draw
from ..models import Allocation, Attempt, AttemptStatus, Draw, DrawSelection, FinishedBy, Frame, PlanPurpose, PlanStatus, SamplingMethod, SamplingPlan, SamplingUnit, Stratification, Ticket
from ..selectors.plans import Element, draw_current, plan_population
from .attempts import attempt_submit, attempts_finalize_expired, save_passes_revoke, sessions_mark_absent
from .results import assessment_credit_report, people_assessment_report

MIN_SEED_DIGITS = 20
Z_95 = 1.959963984540054


def code_sha256() -> str:
    """The version of the drawing code: the SHA-256 of the published verify_draw.py."""
    return hashlib.sha256(Path(verify_draw.__file__).read_bytes()).hexdigest()


def recommended_sample_size(*, population: int, margin: float, p: float = 0.5, z: float = Z_95) -> int:
    """n to estimate a pass rate within ±margin at 95 % confidence, with the finite population
    correction: n0 = z²·p(1-p)/e², n = n0 / (1 + (n0 - 1)/N)."""
    if population <= 0:
        return 0
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    n0 = z * z * p * (1 - p) / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def allocate(*, strata: dict[str, int], n: int, spreads: dict[str, float] | None = None) -> dict[str, int]:
    """Split n over strata in proportion to N_h (or to N_h·S_h, Neyman, when `spreads` gives S_h),
    with at least one per non-empty stratum and never more than the stratum, summing to n. Seats
    left over by rounding go to the largest remainders (ties by stratum name, so it is reproducible)."""
    sizes = {h: size for h, size in sorted(strata.items()) if size > 0}
    if not sizes:
        return {}
    n = max(min(n, sum(sizes.values())), len(sizes))
    weights = {h: size * (spreads.get(h, 0.5) if spreads is not None else 1.0) for h, size in sizes.items()}
    total_weight = sum(weights.values()) or 1.0
    if not any(weights.values()):
        weights, total_weight = dict(sizes), float(sum(sizes.values()))
    quota = {h: n * weights[h] / total_weight for h in sizes}
    result = {h: min(sizes[h], max(1, math.floor(quota[h]))) for h in sizes}
    short = n - sum(result.values())
    while short > 0:
        h = max((h for h in sizes if result[h] < sizes[h]), key=lambda h: (quota[h] - result[h], [-ord(c) for c in h]))
        result[h] += 1
        short -= 1
    while short < 0:
        h = max((h for h in sizes if result[h] > 1), key=lambda h: (result[h] - quota[h], [-ord(c) for c in h]))
        result[h] -= 1
        short += 1
    return result


def neyman_spread(pass_rate: float | None) -> float:
    """A stratum's spread S_h = sqrt(p(1-p)) from its pass rate in the previous round (0.5 unknown)."""
    p = 0.5 if pass_rate is None else pass_rate
    return math.sqrt(p * (1 - p))


def class_ratios_clean(ratios) -> dict[str, Decimal]:
    """The plan's ratio per credit class as Decimals (JSON numbers or decimal strings, never
    floats' binary noise): one for each of A, B, C and D, each more than 0 and at most 100
    percent, at most two decimals, as the plan's own sample ratio. Refusals carry a code and the
    class letter."""
    if not isinstance(ratios, dict) or set(ratios) != set(CreditClass.values):
        raise ValidationError(_("Give a sampling ratio for each credit class: A, B, C and D."), code="class_ratios_incomplete")
    clean = {}
    for letter in sorted(ratios):
        value = ratios[letter]
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
                raise InvalidOperation
            ratio = Decimal(str(value).strip())
        except InvalidOperation:
            ratio = None
        if ratio is None or not ratio.is_finite() or not 0 < ratio <= 100:
            raise ValidationError(_("The sampling ratio of class %(letter)s must be more than 0 and at most 100 (percent)."),
                                  code="class_ratio_range", params={"letter": letter})
        if ratio != ratio.quantize(Decimal("0.01")):
            raise ValidationError(_("The sampling ratio of class %(letter)s has at most two decimals."),
                                  code="class_ratio_decimals", params={"letter": letter})
        clean[letter] = ratio
    return clean


def class_ratios_stored(ratios: dict[str, Decimal]) -> dict[str, int | str]:
    """Clean ratios as the plan stores them: whole numbers as JSON numbers, others as decimal strings."""
    return {letter: int(r) if r == r.to_integral_value() else format(r.normalize(), "f") for letter, r in sorted(ratios.items())}


def plan_class_ratios_check(plan: SamplingPlan) -> None:
    """A ratio per class needs a stratified draw by credit class (the database refuses the rest
    too) and four valid ratios; every step that sizes a draw asks this first."""
    if plan.allocation != Allocation.CLASS_RATIO:
        return
    if plan.method != SamplingMethod.STRATIFIED or plan.stratify_by != Stratification.CREDIT_CLASS:
        raise ValidationError(_("A ratio per class is used only with a stratified draw by credit risk class."), code="class_ratio_strata")
    class_ratios_clean(plan.class_ratios)


def class_ratio_sizes(*, strata: dict[str, int], ratios: dict[str, Decimal]) -> dict[str, int]:
    """Risk-weighted sizes (issue 18): ceil(N_h × r_h / 100) in each class that has elements, at
    least 1 and never more than the class; an empty class is no stratum."""
    return {h: min(size, max(1, math.ceil(size * ratios[h] / 100))) for h, size in sorted(strata.items()) if size > 0}


def plan_sizes(plan: SamplingPlan, strata: dict[str, int], spreads: dict[str, float] | None = None) -> dict[str, int]:
    """The sample size per stratum, the one place it is computed (the plan page, the draw)."""
    if plan.method == SamplingMethod.STRATIFIED and plan.allocation == Allocation.CLASS_RATIO:
        return class_ratio_sizes(strata=strata, ratios=class_ratios_clean(plan.class_ratios))
    total = sum(strata.values())
    if plan.sample_size:
        n = plan.sample_size
    else:
        n = math.ceil(total * plan.sample_ratio_percent / Decimal(100))
    n = max(1, min(n, total))
    if plan.method != SamplingMethod.STRATIFIED:
        return {"": n}
    use_spreads = spreads if plan.allocation == Allocation.NEYMAN else None
    if plan.allocation == Allocation.NEYMAN and use_spreads is None:
        use_spreads = {h: neyman_spread(None) for h in strata}
    return allocate(strata=strata, n=n, spreads=use_spreads)


def draw_method(plan: SamplingPlan) -> str:
    """The draw's method as recorded and published: the sampler, the strata and the allocation
    (with the ratios of a risk-weighted draw)."""
    method = f"consistent-sampler/sha256 {plan.method}"
    if plan.method != SamplingMethod.STRATIFIED:
        return method
    method += f" by {plan.stratify_by}, {plan.allocation}"
    if plan.allocation == Allocation.CLASS_RATIO:
        ratios = class_ratios_clean(plan.class_ratios)
        method += " " + ", ".join(f"{h} {format(r.normalize(), 'f')}%" for h, r in ratios.items())
    return method


# --- the steps, each logged with its actor ---------------------------------------------------


def _set_status(plan: SamplingPlan, status: str, actor, action: str, data: dict | None = None) -> None:
    old = plan.status
    plan.status = status
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    log(instance=plan, action=action, user=actor, data={"from": old, "to": status, **(data or {})})


def plan_shape_check(plan: SamplingPlan) -> None:
    """What the plan's purpose asks of it. An assessment assesses roles of people; an on-site
    inspection (Order 75 Art. 14) draws units, whose staff are not examined: no roles, no papers.
    Either may be drawn at a ratio per credit class."""
    plan_class_ratios_check(plan)
    if plan.purpose == PlanPurpose.INSPECTION:
        errors = []
        if plan.sampling_unit != SamplingUnit.UNIT:
            errors.append(_("An on-site inspection plan draws units, not persons."))
        if plan.roles or plan.director_blueprint_id or plan.officer_blueprint_id:
            errors.append(_("An on-site inspection plan assesses no roles and uses no blueprint: the inspectors go through the inspection items."))
        if errors:
            raise ValidationError(errors)
    elif not plan.roles:
        raise ValidationError(_("Choose at least one role to assess."))


@transaction.atomic
def plan_submit(*, actor, plan: SamplingPlan) -> SamplingPlan:
    authorize(actor, "plan.change", plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft plan can be submitted for approval."))
    plan_shape_check(plan)
    _set_status(plan, PlanStatus.SUBMITTED, actor, "assessment.plan_submit")
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: SamplingPlan) -> SamplingPlan:
    """An approver (审核人) of the plan's bureau approves a submitted plan; not the person who drafted it."""
    authorize(actor, "plan.approve", plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a plan awaiting approval can be approved."))
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    _set_status(plan, PlanStatus.APPROVED, actor, "assessment.plan_approve")
    return plan


@transaction.atomic
def plan_return(*, actor, plan: SamplingPlan, reason: str) -> SamplingPlan:
    authorize(actor, "plan.return", plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a plan awaiting approval can be returned."))
    _set_status(plan, PlanStatus.DRAFT, actor, "assessment.plan_return", {"reason": reason})
    return plan


@transaction.atomic
def frame_freeze(*, actor, plan: SamplingPlan) -> Frame:
    """Step 1: write the eligible population, as of now, as a canonical CSV and record its SHA-256.
    Nothing changes it afterwards; the seed does not exist yet."""
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("The frame can be frozen only once, after the plan is approved."))
    plan_class_ratios_check(plan)
    elements = plan_population(plan=plan)
    if not elements:
        raise ValidationError(_("No unit or person meets the plan's population rule; nothing to draw from."))
    text = verify_draw.frame_csv([(e.id, e.stratum) for e in elements])
    strata: dict[str, int] = {}
    for e in elements:
        strata[e.stratum] = strata.get(e.stratum, 0) + 1
    frame = Frame.objects.create(
        plan=plan, csv_text=text, sha256=verify_draw.frame_sha256(text), size=len(elements),
        strata=dict(sorted(strata.items())), frozen_by=actor,
    )
    _set_status(plan, PlanStatus.FROZEN, actor, "assessment.frame_freeze", {"sha256": frame.sha256, "size": frame.size})
    return frame


def seed_clean(seed: str) -> str:
    """The seed as digits: spaces and dashes (between several parties' contributions) removed."""
    digits = re.sub(r"[\s\-,，、]", "", seed or "")
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(_("The seed is made of decimal digits only (dice rolls, or several parties' digits)."))
    if len(digits) < MIN_SEED_DIGITS:
        raise ValidationError(_("The seed needs at least %(n)s digits; it has %(got)s.") % {"n": MIN_SEED_DIGITS, "got": len(digits)})
    return digits


def _elements_by_id(plan: SamplingPlan) -> dict[str, Element]:
    # Ids in a frozen frame map back to units/people through their stable keys.
    frame_rows = verify_draw.read_frame(plan.frame.csv_text)
    ids = {element_id for element_id, _s in frame_rows}
    mapping = {}
    if plan.sampling_unit == SamplingUnit.UNIT:
        for pk, uscc in ProductionUnit.objects.filter(uscc__in=ids).values_list("pk", "uscc"):
            mapping[uscc] = Element(uscc, "", pk)
    else:
        person_ids = [int(i.rsplit("-", 1)[1]) for i in ids]
        for pk, unit_id, uscc in Person.objects.filter(pk__in=person_ids).values_list("pk", "unit_id", "unit__uscc"):
            mapping[f"{uscc}-{pk}"] = Element(f"{uscc}-{pk}", "", unit_id, pk)
    return mapping


@transaction.atomic
def draw_perform(*, actor, plan: SamplingPlan, seed: str, reason: str = "", spreads: dict[str, float] | None = None) -> Draw:
    """Steps 2 and 3: take the public seed and draw with the consistent sampler, per stratum.
    A plan already drawn is drawn again only with a reason, as a new draw beside the old one."""
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update(of=("self",)).select_related("frame").get(pk=plan.pk)
    previous = draw_current(plan=plan)
    if plan.status == PlanStatus.DRAWN:
        if not reason.strip():
            raise ValidationError(_("This plan has been drawn. A re-draw needs a reason, and is shown beside the first."))
    elif plan.status != PlanStatus.FROZEN:
        raise ValidationError(_("Freeze the frame before the draw."))
    digits = seed_clean(seed)
    plan_class_ratios_check(plan)
    rows = verify_draw.read_frame(plan.frame.csv_text)
    sizes = plan_sizes(plan, plan.frame.strata, spreads)
    selected = verify_draw.draw(rows, digits, sizes)
    mapping = _elements_by_id(plan)
    draw = Draw.objects.create(
        plan=plan, frame=plan.frame, seed=digits, sizes=sizes, code_sha256=code_sha256(),
        method=draw_method(plan),
        parameters={
            "method": plan.method, "stratify_by": plan.stratify_by, "allocation": plan.allocation,
            "sample_size": plan.sample_size, "sample_ratio_percent": str(plan.sample_ratio_percent),
            "frame_sha256": plan.frame.sha256, "sampling_unit": plan.sampling_unit, "spreads": spreads or {},
            **({"class_ratios": {h: str(r) for h, r in class_ratios_clean(plan.class_ratios).items()}}
               if plan.allocation == Allocation.CLASS_RATIO else {}),
        },
        reason=reason.strip(), replaces=previous, drawn_by=actor,
    )
    DrawSelection.objects.bulk_create([
        DrawSelection(
            draw=draw, position=position, element_id=element_id, stratum=stratum, ticket=ticket,
            unit_id=mapping[element_id].unit_id, person_id=mapping[element_id].person_id,
        )
        for position, (ticket, element_id, stratum) in enumerate(selected, start=1)
    ])
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status"])
    log(instance=plan, action="assessment.draw", user=actor, data={
        "draw": draw.pk, "seed": digits, "sizes": sizes, "frame_sha256": plan.frame.sha256,
        "selected": len(selected), "reason": draw.reason, "replaces": previous.pk if previous else None,
    })
    return draw


@transaction.atomic
def draw_extend(*, actor, draw: Draw, withdraw: DrawSelection, reason: str) -> DrawSelection:
    """Replace a selected element that cannot be assessed (e.g. the unit closed) by the next ticket
    of its stratum: never a fresh draw, so the first sample stands."""
    authorize(actor, "plan.change", draw)
    if not reason.strip():
        raise ValidationError(_("Say why the element is withdrawn."))
    if withdraw.draw_id != draw.pk or withdraw.withdrawn_reason:
        raise ValidationError(_("This element is not an active selection of the draw."))
    rows = verify_draw.read_frame(draw.frame.csv_text)
    taken = set(draw.selections.values_list("element_id", flat=True))
    in_stratum = [(element_id, stratum) for element_id, stratum in rows if stratum == withdraw.stratum]
    ordered = verify_draw.draw(in_stratum, draw.seed, {withdraw.stratum: len(in_stratum)})
    nxt = next(((t, e, s) for t, e, s in ordered if e not in taken), None)
    if nxt is None:
        raise ValidationError(_("The stratum has no element left to take."))
    withdraw.withdrawn_reason = reason.strip()[:200]
    withdraw.save(update_fields=["withdrawn_reason"])
    revoked = tickets_revoke(selection=withdraw, reason=withdraw.withdrawn_reason)
    element = _elements_by_id(draw.plan)[nxt[1]]
    selection = DrawSelection.objects.create(
        draw=draw, position=draw.selections.count() + 1, element_id=nxt[1], stratum=nxt[2], ticket=nxt[0],
        unit_id=element.unit_id, person_id=element.person_id, is_extension=True,
    )
    log(instance=draw.plan, action="assessment.draw_extend", user=actor, data={
        "draw": draw.pk, "withdrawn": withdraw.element_id, "reason": withdraw.withdrawn_reason, "added": selection.element_id,
        "revoked_tickets": revoked,
    })
    return selection


def tickets_revoke(*, selection: DrawSelection, reason: str, now=None) -> list[str]:
    """A withdrawn selection's tickets stop working at once: they log in no more, count in no
    result, and an attempt already started is closed as it stood (kept, marked WITHDRAWN)."""
    now = now or timezone.now()
    tickets = list(Ticket.objects.select_for_update().filter(selection=selection, revoked_at__isnull=True))
    for ticket in tickets:
        Ticket.objects.filter(pk=ticket.pk).update(revoked_at=now, revoked_reason=reason[:200])
        save_passes_revoke(ticket_id=ticket.pk)
        for attempt in Attempt.objects.filter(ticket=ticket, status=AttemptStatus.IN_PROGRESS):
            attempt_submit(attempt=attempt, now=now, by=FinishedBy.WITHDRAWN)
    return [ticket.number for ticket in tickets]


def draw_verify(draw: Draw) -> bool:
    """Re-run a stored draw from its frame and seed and compare with what was stored."""
    rows = verify_draw.read_frame(draw.frame.csv_text)
    if verify_draw.frame_sha256(draw.frame.csv_text) != draw.frame.sha256:
        return False
    again = [(t, e) for t, e, _s in verify_draw.draw(rows, draw.seed, draw.sizes)]
    stored = list(draw.selections.filter(is_extension=False).order_by("position").values_list("ticket", "element_id"))
    return again == stored


@transaction.atomic
def plan_close(*, actor, plan: SamplingPlan) -> SamplingPlan:
    """Close a round once its sessions have ended: open attempts are submitted at their
    deadlines and absent candidates marked, so the results are final."""
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAWN:
        raise ValidationError(_("Only a drawn plan can be closed."))
    now = timezone.now()
    if not plan.sessions.exists() or plan.sessions.filter(ends_at__gt=now).exists():
        raise ValidationError(_("A round closes after all its sessions have ended."))
    attempts_finalize_expired(now=now)
    sessions_mark_absent(now=now)
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    log(instance=plan, action="assessment.plan_close", user=actor, data={})
    people_assessment_report(plan=plan)
    assessment_credit_report(plan=plan, actor=actor)
    return plan
