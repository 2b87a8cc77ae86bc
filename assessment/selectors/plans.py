"""Reads of a sampling plan: its current draw and the population its frame is frozen from."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from supervision.models import Person, ProductionUnit, Qualification, QualificationKind, UnitStatus

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

    def stratum_of(unit) -> str:
        if plan.method != SamplingMethod.STRATIFIED:
            return ""
        if plan.stratify_by == Stratification.COUNTY:
            return unit.county.code
        if plan.stratify_by == Stratification.SIZE:
            return unit.size_class
        return first_category.get(unit.pk, "")

    unit_list = list(units.only("pk", "uscc", "size_class", "county__code"))
    if plan.sampling_unit == SamplingUnit.UNIT:
        return [Element(u.uscc, stratum_of(u), u.pk) for u in unit_list]
    by_unit = {u.pk: u for u in unit_list}
    people = Person.objects.filter(unit__in=by_unit, left_on__isnull=True, role__in=plan.roles).values_list("pk", "unit_id")
    return [Element(f"{by_unit[unit_id].uscc}-{pk}", stratum_of(by_unit[unit_id]), unit_id, pk) for pk, unit_id in people]
