"""Risk-weighted sampling by credit class (issue 18, journey 8): next year's plan draws class D at
30 % and class A at 1 %, the frame records each unit's class as it stood when it was frozen, and
anyone re-runs the draw with verify_draw.py from the published frame."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assessment import selectors, verify_draw
from assessment.models import Draw, Frame, PlanPurpose, PlanStatus, SamplingPlan
from assessment.services import sampling
from supervision.fake_register import person_rows, unit_rows
from supervision.models import CreditEventKind, CreditSourceKind, ProductionUnit, UnitCreditClass
from supervision.selectors_credit import credit_class_unrated
from supervision.services import credit
from tests.factories import import_people, import_units

pytestmark = pytest.mark.django_db

SEED = "27182818284590452353602874713"
VERIFY_SCRIPT = Path(verify_draw.__file__)
# 7 units of class D, 3 of C, 4 of B, 6 of A: Henan's ratios give D 3 (30 % of 7, rounded up), C 1, B 1, A 1.
CLASS_COUNTS = {"D": 7, "C": 3, "B": 4, "A": 6}
WARNINGS_FOR = {"A": 0, "B": 1, "C": 2, "D": 3}


def register(county, units: int, *, seed: int, people: bool = False) -> list[ProductionUnit]:
    rows = unit_rows(units, [county.code], seed=seed)
    for i, row in enumerate(rows):  # every unit a CCC holder, so all are eligible
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2027{seed:04d}{i:08d}"
    assert import_units(rows, county).ok
    if people:
        assert import_people(person_rows(rows, seed=seed + 1), county).ok
    return list(ProductionUnit.objects.filter(county=county).order_by("pk"))


def risk_rules(staff):
    """Rules under which one warning on record is B, two C, three D (thresholds 1, 2, 3)."""
    rules = [{"kind": k, "weight": 1 if k == CreditEventKind.WARNING else 0, "window_months": 24, "rationale": "测试"}
             for k in CreditEventKind.values]
    credit.credit_rule_set_change(actor=staff.approver_a, b_from=1, c_from=2, d_from=3, rules=rules, note="风险分级抽查测试")


def warn(units, times: int, *, first_source: int = 1) -> None:
    """Record `times` warnings on each unit through the credit service (its class is recomputed)."""
    today = timezone.localdate()
    credit.credit_events_record(reports=[
        credit.CreditReport(unit_id=unit.pk, kind=CreditEventKind.WARNING, occurred_on=today, source_kind=CreditSourceKind.ORDER,
                            source_id=first_source + n * 1000 + i, source_label=f"测试警告{n}")
        for i, unit in enumerate(units) for n in range(times)
    ])


@pytest.fixture
def classed(staff, tree):
    """County A's 20 units, classed D, C, B and A as in CLASS_COUNTS through the credit services."""
    units = register(tree.county_a, sum(CLASS_COUNTS.values()), seed=181, people=True)
    risk_rules(staff)
    start = 0
    for letter, count in CLASS_COUNTS.items():
        warn(units[start:start + count], WARNINGS_FOR[letter], first_source=start + 1)
        start += count
    letters = dict(UnitCreditClass.objects.values_list("unit_id", "letter"))
    assert sorted(letters.values()) == sorted(letter for letter, n in CLASS_COUNTS.items() for _ in range(n))
    return units


def risk_plan(staff, tree, **fields) -> SamplingPlan:
    values = dict(jurisdiction=tree.county_a, year=2027, title="2027年度风险分级抽查考核", roles=["director", "officer"],
                  created_by=staff.operator_a, method="stratified", stratify_by="credit_class", allocation="class_ratio")
    values.update(fields)
    return SamplingPlan.objects.create(**values)


def frozen(plan, staff) -> SamplingPlan:
    sampling.plan_submit(actor=staff.operator_a, plan=plan)
    sampling.plan_approve(actor=staff.approver_a, plan=plan)
    sampling.frame_freeze(actor=staff.operator_a, plan=plan)
    return SamplingPlan.objects.get(pk=plan.pk)


def frame_classes(frame: Frame) -> dict[str, str]:
    return dict(verify_draw.read_frame(frame.csv_text))


# --- sizes ----------------------------------------------------------------------------------------


def test_the_default_preset_is_henans():
    plan = SamplingPlan()
    assert plan.class_ratios == {"A": 1, "B": 2, "C": 10, "D": 30}
    assert SamplingPlan().class_ratios is not plan.class_ratios  # each plan its own copy


def test_sizes_per_class_at_the_boundaries():
    henan = sampling.class_ratios_clean({"A": 1, "B": 2, "C": 10, "D": 30})
    # 30 % of 7 is 2.1: rounded up to 3. A class of 1 at 1 % still gives 1. An empty class is no stratum.
    assert sampling.class_ratio_sizes(strata={"A": 1, "B": 0, "C": 3, "D": 7}, ratios=henan) == {"A": 1, "C": 1, "D": 3}
    assert sampling.class_ratio_sizes(strata={"A": 100, "D": 10}, ratios=henan) == {"A": 1, "D": 3}
    assert sampling.class_ratio_sizes(strata={"A": 101, "D": 20}, ratios=henan) == {"A": 2, "D": 6}
    all_of_d = sampling.class_ratios_clean({"A": 1, "B": 2, "C": 10, "D": 100})
    assert sampling.class_ratio_sizes(strata={"C": 9, "D": 7}, ratios=all_of_d) == {"C": 1, "D": 7}
    assert sampling.class_ratio_sizes(strata={}, ratios=henan) == {}


def test_sizes_are_decimal_exact():
    # 7 % as a float makes 10,000 × 0.07 / 100 = 7.000000000000001, rounded up to 8; the exact answer is 7.
    ratios = sampling.class_ratios_clean({"A": 0.07, "B": "2.5", "C": 10, "D": 30})
    assert ratios["A"] == Decimal("0.07") and ratios["B"] == Decimal("2.5")
    assert sampling.class_ratio_sizes(strata={"A": 10_000, "B": 40}, ratios=ratios) == {"A": 7, "B": 1}
    assert sampling.class_ratios_stored(ratios) == {"A": "0.07", "B": "2.5", "C": 10, "D": 30}


def refusal(error: ValidationError) -> tuple[str, str | None]:
    """The refusal's code and the class it names (messages are asserted in Chinese once catalogued)."""
    first = error.error_list[0]
    return first.code, (first.params or {}).get("letter")


@pytest.mark.parametrize("ratios, code, letter", [
    ({"A": 0, "B": 2, "C": 10, "D": 30}, "class_ratio_range", "A"),
    ({"A": 1, "B": 2, "C": 10, "D": "100.01"}, "class_ratio_range", "D"),
    ({"A": 1, "B": -1, "C": 10, "D": 30}, "class_ratio_range", "B"),
    ({"A": 1, "B": 2, "C": "abc", "D": 30}, "class_ratio_range", "C"),
    ({"A": "NaN", "B": 2, "C": 10, "D": 30}, "class_ratio_range", "A"),
    ({"A": True, "B": 2, "C": 10, "D": 30}, "class_ratio_range", "A"),
    ({"A": None, "B": 2, "C": 10, "D": 30}, "class_ratio_range", "A"),
    ({"A": "1.234", "B": 2, "C": 10, "D": 30}, "class_ratio_decimals", "A"),
    ({"B": 2, "C": 10, "D": 30}, "class_ratios_incomplete", None),
    ({"A": 1, "B": 2, "C": 10, "D": 30, "E": 5}, "class_ratios_incomplete", None),
    ([1, 2, 10, 30], "class_ratios_incomplete", None),
])
def test_bad_ratios_are_refused(ratios, code, letter):
    with pytest.raises(ValidationError) as refused:
        sampling.class_ratios_clean(ratios)
    assert refusal(refused.value) == (code, letter)


# --- the frame and the draw -----------------------------------------------------------------------


def test_the_frame_records_each_units_class_at_freeze_time(staff, tree, classed):
    plan = frozen(risk_plan(staff, tree, sampling_unit="unit"), staff)
    frame = plan.frame
    assert frame.strata == {"A": 6, "B": 4, "C": 3, "D": 7}
    letters = dict(UnitCreditClass.objects.values_list("unit__uscc", "letter"))
    assert frame_classes(frame) == letters

    # After the freeze an A unit is fined into class D: the frame, its hash and the draw stand.
    moved = classed[-1]
    assert letters[moved.uscc] == "A"
    warn([moved], 3, first_source=90_000)
    assert UnitCreditClass.objects.get(unit=moved).letter == "D"
    text, sha = frame.csv_text, frame.sha256
    draw = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed=SEED)
    frame.refresh_from_db()
    assert (frame.csv_text, frame.sha256) == (text, sha) and frame_classes(frame)[moved.uscc] == "A"
    assert draw.sizes == {"A": 1, "B": 1, "C": 1, "D": 3}
    assert all(s.stratum == letters[s.element_id] for s in draw.selections.all())
    assert sampling.draw_verify(draw)
    assert draw.parameters["class_ratios"] == {"A": "1", "B": "2", "C": "10", "D": "30"}
    assert draw.method == "consistent-sampler/sha256 stratified by credit_class, class_ratio A 1%, B 2%, C 10%, D 30%"
    assert ModelLogEntry.objects.filter(action="assessment.draw").latest("pk").data["sizes"] == draw.sizes


def test_persons_sampled_directly_take_their_units_class(staff, tree, classed):
    plan = frozen(risk_plan(staff, tree, sampling_unit="person", class_ratios={"A": 100, "B": 50, "C": 10, "D": 30}), staff)
    letters = dict(UnitCreditClass.objects.values_list("unit__uscc", "letter"))
    rows = verify_draw.read_frame(plan.frame.csv_text)
    assert rows and all(stratum == letters[element_id.rsplit("-", 1)[0]] for element_id, stratum in rows)
    draw = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed=SEED)
    assert draw.sizes["A"] == plan.frame.strata["A"]  # 100 %: every person of class A
    assert sampling.draw_verify(draw)


def test_a_unit_not_classed_yet_counts_as_the_rules_give_a_clean_record(staff, tree, classed):
    # The same register file with one more row: the newcomer, registered since the last recompute.
    (newcomer,) = set(register(tree.county_a, len(classed) + 1, seed=181)) - set(classed)
    assert not UnitCreditClass.objects.filter(unit=newcomer).exists()
    plan = frozen(risk_plan(staff, tree), staff)
    assert credit_class_unrated() == "A"  # score 0 is below B's threshold of 1
    assert frame_classes(plan.frame)[newcomer.uscc] == "A" and plan.frame.strata["A"] == CLASS_COUNTS["A"] + 1


def test_freezing_reads_the_classes_in_one_query_whatever_the_size(staff, tree):
    def population_queries(county, units: int) -> int:
        register(county, units, seed=190 + units)
        credit.credit_classes_recompute()
        plan = risk_plan(staff, tree, jurisdiction=county)
        with CaptureQueriesContext(connection) as queries:
            assert len(selectors.plan_population(plan=plan)) == units
        return len(queries)

    assert population_queries(tree.county_a, 5) == population_queries(tree.county_b, 30)


def test_the_draw_is_reproduced_by_verify_draw_from_the_published_frame(staff, tree, classed, client_for, tmp_path):
    plan = frozen(risk_plan(staff, tree, class_ratios={"A": 20, "B": 50, "C": 10, "D": 30}), staff)
    operator = client_for(staff.operator_a)
    response = operator.post(reverse("plans:presentation", args=[plan.pk]), {"seed": SEED})
    assert response.status_code == 302
    draw = Draw.objects.get(plan=plan)
    page = operator.get(reverse("plans:presentation", args=[plan.pk])).content.decode()
    command = re.search(r'<code class="verify-command">([^<]+)</code>', page).group(1)
    program, script, frame_name, seed, *sizes = shlex.split(command)
    assert (program, script, seed, sizes) == ("python", "verify_draw.py", SEED, ["--sizes", "A=2,B=2,C=1,D=3"])
    # The published frame file, under the name the command gives it.
    download = operator.get(reverse("plans:frame", args=[plan.pk]))
    assert f'filename="{frame_name}"' in download["Content-Disposition"]
    (tmp_path / frame_name).write_bytes(download.content)
    run = subprocess.run([sys.executable, str(VERIFY_SCRIPT), frame_name, seed, *sizes], cwd=tmp_path,
                         capture_output=True, text=True, check=True, timeout=60)
    stored = list(draw.selections.order_by("position").values_list("element_id", flat=True))
    assert run.stdout.split() == stored and len(stored) == 8
    assert sampling.draw_verify(draw)
    # The plan page gives the same command.
    assert command in operator.get(reverse("plans:inspect", args=[plan.pk])).content.decode()


def test_an_inspection_plan_can_be_risk_weighted(staff, tree, classed):
    plan = frozen(risk_plan(staff, tree, purpose=PlanPurpose.INSPECTION, roles=[]), staff)
    draw = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed=SEED)
    assert draw.sizes == {"A": 1, "B": 1, "C": 1, "D": 3} and sampling.draw_verify(draw)
    assert selectors.draw_verify_command(draw=draw).endswith(f"{SEED} --sizes A=1,B=1,C=1,D=3")


# --- refusals -------------------------------------------------------------------------------------


def test_a_ratio_per_class_without_credit_strata_is_refused_by_the_database(staff, tree):
    for fields in ({"stratify_by": "county"}, {"method": "simple", "stratify_by": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            risk_plan(staff, tree, **fields)
    assert not SamplingPlan.objects.exists()


def test_out_of_range_ratios_are_refused_at_submission_with_nothing_written(staff, tree, classed):
    plan = risk_plan(staff, tree, class_ratios={"A": 1, "B": 2, "C": 10, "D": 130})
    with pytest.raises(ValidationError) as refused:
        sampling.plan_submit(actor=staff.operator_a, plan=plan)
    assert refusal(refused.value) == ("class_ratio_range", "D")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not ModelLogEntry.objects.filter(action="assessment.plan_submit").exists()
    assert not Frame.objects.exists()


def test_another_countys_plan_is_refused(staff, tree, classed, client_for):
    plan = risk_plan(staff, tree)
    sampling.plan_submit(actor=staff.operator_a, plan=plan)
    sampling.plan_approve(actor=staff.approver_a, plan=plan)
    with pytest.raises(PermissionDenied):
        sampling.frame_freeze(actor=staff.operator_b, plan=plan)
    assert not Frame.objects.exists()
    sampling.frame_freeze(actor=staff.operator_a, plan=plan)
    with pytest.raises(PermissionDenied):
        sampling.draw_perform(actor=staff.operator_b, plan=plan, seed=SEED)
    assert not Draw.objects.exists()
    other = client_for(staff.operator_b)
    assert other.get(reverse("plans:inspect", args=[plan.pk])).status_code == 404
    assert other.post(reverse("plans:presentation", args=[plan.pk]), {"seed": SEED}).status_code == 404
    assert not Draw.objects.exists()


# --- the plan form and page -----------------------------------------------------------------------


def plan_post(tree, **fields) -> dict:
    data = {
        "jurisdiction": tree.county_a.pk, "year": 2027, "batch": 1, "title": "2027年度风险分级抽查考核",
        "include_licence": "on", "include_ccc": "on", "roles": ["director", "officer"], "sampling_unit": "unit",
        "method": "stratified", "stratify_by": "credit_class", "allocation": "class_ratio", "sample_ratio_percent": "5",
        "class_ratio_a": "1", "class_ratio_b": "2", "class_ratio_c": "10", "class_ratio_d": "30",
        "examiner_pool_widen": "on", "examiner_pool_multiple": "3",
    }
    data.update(fields)
    return data


def test_the_form_offers_the_preset_and_stores_the_ratios(staff, tree, client_for):
    operator = client_for(staff.operator_a)
    form = operator.get(reverse("plans:add")).content.decode()
    assert 'value="credit_class"' in form and 'value="class_ratio"' in form
    for name, value in (("class_ratio_a", "1"), ("class_ratio_b", "2"), ("class_ratio_c", "10"), ("class_ratio_d", "30")):
        assert re.search(rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', form), name
    response = operator.post(reverse("plans:add"), plan_post(tree, class_ratio_b="2.50", class_ratio_d="35"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SamplingPlan.objects.get().class_ratios == {"A": 1, "B": "2.5", "C": 10, "D": 35}


@pytest.mark.parametrize("fields, field, code", [
    ({"stratify_by": "county"}, "allocation", "class_ratio_strata"),
    ({"method": "simple", "stratify_by": ""}, "allocation", "class_ratio_strata"),
    ({"class_ratio_d": "0"}, "class_ratio_d", "class_ratio_range"),
    ({"class_ratio_a": "100.5"}, "class_ratio_a", "class_ratio_range"),
    ({"class_ratio_c": ""}, "class_ratio_c", "class_ratio_range"),
])
def test_the_form_refuses_bad_risk_weighting_with_nothing_written(staff, tree, client_for, fields, field, code):
    response = client_for(staff.operator_a).post(reverse("plans:add"), plan_post(tree, **fields))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]
    assert not SamplingPlan.objects.exists()


def test_the_plan_page_shows_per_class_units_ratio_and_size(staff, tree, classed, client_for):
    plan = risk_plan(staff, tree, class_ratios={"A": 1, "B": "2.5", "C": 10, "D": 30})
    page = client_for(staff.operator_a).get(reverse("plans:inspect", args=[plan.pk])).content.decode()
    table = page[page.index('class="listing zl-strata"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>([A-D])</td><td>(\d+)</td><td>([\d.]+) %</td><td>(\d+)</td></tr>", table)
    assert rows == [("A", "6", "1", "1"), ("B", "4", "2.5", "1"), ("C", "3", "10", "1"), ("D", "7", "30", "3")]
    assert "建议样本量" in page  # the recommended sample size still shows
