"""Reads of a sampling plan: its current draw and the population its frame is frozen from."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from supervision.models import Person, ProductionUnit, Qualification, QualificationKind, UnitStatus
from supervision.selectors_credit import credit_class_unrated, credit_classes_of

from ..models import Draw, DrawSelection, SamplingMethod, SamplingPlan, SamplingUnit, Stratification


def draw_current(*, plan: SamplingPlan) -> Draw | None:
    """The plan's draw in force: the latest one no re-draw has replaced (None before the draw)."""
    return plan.draws.filter(replaced_by__isnull=True).order_by("-drawn_at").first()


def draw_selections(*, draw: Draw | None, active_only: bool = False) -> list[DrawSelection]:
    """The draw's selections in drawing order, with their units (and people) for display."""
    if draw is None:
        return []
    selections = draw.selections.all()
    if active_only:
        selections = selections.filter(withdrawn_reason="")
    return list(selections.select_related("draw", "unit", "unit__county", "person").order_by("position"))


def plan_draws(*, plan: SamplingPlan) -> list[Draw]:
    """Every draw of the plan, the first first (a re-draw is shown beside the one it replaces)."""
    return list(plan.draws.select_related("drawn_by").order_by("drawn_at"))


def frame_file_name(*, plan: SamplingPlan) -> str:
    """The name the frame file is downloaded under, and the one the verify command names."""
    return f"frame-{plan.year}-{plan.batch}-{plan.pk}.csv"


def draw_verify_command(*, draw: Draw) -> str:
    """The exact command that re-runs `draw` with the published frame file and verify_draw.py:
    `--size N` for a simple draw, `--sizes STRATUM=N,...` per stratum (a risk-weighted draw's
    strata are the credit classes, `--sizes A=1,B=2,C=4,D=3`)."""
    if list(draw.sizes) == [""]:
        sizes = f"--size {draw.sizes['']}"
    else:
        sizes = "--sizes " + shlex.quote(",".join(f"{stratum}={n}" for stratum, n in draw.sizes.items()))
    return f"python verify_draw.py {shlex.quote(frame_file_name(plan=draw.plan))} {draw.seed} {sizes}"


@dataclass(frozen=True)
class Element:
    id: str
    stratum: str
    unit_id: int
    person_id: int | None = None


def plan_population(*, plan: SamplingPlan) -> list[Element]:
    """The eligible elements now, per the plan's rule (Order 75 Art. 2 and 5 set who is concerned)."""
    units = ProductionUnit.objects.filter(
        county__path__startswith=plan.jurisdiction.path, status=UnitStatus.ACTIVE,
    ).select_related("county")
    counties = list(plan.counties.values_list("pk", flat=True))
    if counties:
        units = units.filter(county__in=counties)
    if plan.size_classes:
        units = units.filter(size_class__in=plan.size_classes)
    categories = list(plan.categories.values_list("pk", flat=True))
    if categories:
        units = units.filter(categories__in=categories).distinct()
    kinds = Q(pk__in=[])
    if plan.include_licence:
        kinds |= Exists(Qualification.objects.filter(unit=OuterRef("pk"), kind=QualificationKind.LICENCE))
    if plan.include_ccc:
        kinds |= Exists(Qualification.objects.filter(unit=OuterRef("pk"), kind=QualificationKind.CCC))
    if plan.include_standard:
        kinds |= Q(mandatory_standard=True)
    units = units.filter(kinds)
    first_category = {}
    if plan.stratify_by == Stratification.CATEGORY:
        Through = ProductionUnit.categories.through
        for unit_id, name in Through.objects.filter(productionunit__in=units).order_by("productcategory__name").values_list("productionunit_id", "productcategory__name"):
            first_category.setdefault(unit_id, name)
    credit_classes, unrated = {}, ""
    if plan.method == SamplingMethod.STRATIFIED and plan.stratify_by == Stratification.CREDIT_CLASS:
        # The classes as they stand now, in one query: the frame freezes them (issue 18).
        credit_classes, unrated = credit_classes_of(unit_ids=units.values("pk")), credit_class_unrated()

    def stratum_of(unit) -> str:
        if plan.method != SamplingMethod.STRATIFIED:
            return ""
        if plan.stratify_by == Stratification.COUNTY:
            return unit.county.code
        if plan.stratify_by == Stratification.SIZE:
            return unit.size_class
        if plan.stratify_by == Stratification.CREDIT_CLASS:
            return credit_classes.get(unit.pk, unrated)
        return first_category.get(unit.pk, "")

    unit_list = list(units.only("pk", "uscc", "size_class", "county__code"))
    if plan.sampling_unit == SamplingUnit.UNIT:
        return [Element(u.uscc, stratum_of(u), u.pk) for u in unit_list]
    by_unit = {u.pk: u for u in unit_list}
    people = Person.objects.filter(unit__in=by_unit, left_on__isnull=True, role__in=plan.roles).values_list("pk", "unit_id")
    return [Element(f"{by_unit[unit_id].uscc}-{pk}", stratum_of(by_unit[unit_id]), unit_id, pk) for pk, unit_id in people]
