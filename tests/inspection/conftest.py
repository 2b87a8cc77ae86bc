"""Inspections for the recording tests. Until the inspector draw (inspection/services/assignments.py)
lands, `make_inspection` builds the rows the draw would make: an inspection plan (a SamplingPlan with
purpose=inspection), its frame, draw and one selection, the Inspection, its inspectors and one
ItemCheck per item version given."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

from assessment.models import Draw, DrawSelection, Frame, PlanPurpose, PlanStatus, SamplingPlan
from inspection.models import Inspection, InspectionItem, InspectorAssignment, ItemCheck
from supervision.fake_register import unit_rows
from supervision.models import ProductionUnit
from tests.factories import ROLES, import_units, make_staff


def make_inspection(unit, inspectors, items) -> Inspection:
    """An inspection of `unit` by `inspectors` (StaffProfiles) over `items` (InspectionItems, their
    current versions), as the draw would leave it: assigned, nothing recorded."""
    county = unit.county
    creator = inspectors[0].user
    batch = SamplingPlan.objects.filter(jurisdiction=county, purpose=PlanPurpose.INSPECTION).count() + 1
    plan = SamplingPlan.objects.create(jurisdiction=county, year=2026, batch=batch, title=f"现场检查计划{batch}", roles=[],
                                       purpose=PlanPurpose.INSPECTION, created_by=creator, sample_size=1, status=PlanStatus.DRAWN)
    csv_text = f"id,stratum\n{unit.pk},\n"
    frame = Frame.objects.create(plan=plan, csv_text=csv_text, sha256=hashlib.sha256(csv_text.encode()).hexdigest(), size=1,
                                 strata={"": 1}, frozen_by=creator)
    draw = Draw.objects.create(plan=plan, frame=frame, seed="12345678901234567890", method="consistent_sampler", sizes={"": 1},
                               parameters={}, code_sha256="0" * 64, drawn_by=creator)
    selection = DrawSelection.objects.create(draw=draw, position=1, element_id=str(unit.pk), ticket="0.1", unit=unit)
    inspection = Inspection.objects.create(plan=plan, selection=selection, unit=unit)
    for position, staff in enumerate(inspectors, start=1):
        InspectorAssignment.objects.create(inspection=inspection, staff=staff, ticket=f"0.{position}", position=position,
                                           cert_no=staff.enforcement_cert_no or f"33010000{position:04d}")
    for position, item in enumerate(items, start=1):
        ItemCheck.objects.create(inspection=inspection, item_version=item.current_version, position=position)
    return inspection


@pytest.fixture
def items(db):
    call_command("load_inspection_items", verbosity=0)
    return list(InspectionItem.objects.select_related("current_version").order_by("sort_order")[:4])


@pytest.fixture
def inspectors(tree):
    return [make_staff(f"insp-{i}", ROLES.OPERATOR, tree.county_a, full_name=f"检查员{i}", enforcement_cert_no=f"3301100{i}")
            for i in (1, 2)]


@pytest.fixture
def unit_a(tree):
    assert import_units(unit_rows(2, [tree.county_a.code], seed=171), tree.county_a).ok
    return ProductionUnit.objects.filter(county=tree.county_a).order_by("pk").first()


@pytest.fixture
def inspection(unit_a, inspectors, items):
    return make_inspection(unit_a, inspectors, items)
