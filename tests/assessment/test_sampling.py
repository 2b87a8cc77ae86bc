"""双随机、一公开 (issue 5): frozen frames, verifiable draws, allocation, extension, recusal, tickets."""

import random
import subprocess
import sys
from datetime import timedelta

import pytest
from consistent_sampler import sampler
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from assessment import selectors, verify_draw
from assessment.models import ConflictDeclaration, Draw, PlanStatus, SamplingPlan, Ticket
from assessment.services import sampling
from assessment.services.sessions import access_code_hash, examiners_draw, session_create, ticket_check, ticket_reissue, tickets_issue
from supervision.fake_register import person_rows, unit_rows
from supervision.models import ProductionUnit, StaffProfile
from tests.factories import import_people, import_units, make_staff

SEED = "31415926535897932384626"


@pytest.fixture
def register(tree):
    rows = unit_rows(60, ["330110", "330113"], seed=41)
    for i, row in enumerate(rows):  # every unit a licence or CCC holder, so all are eligible
        if not row["生产许可证编号"] and not row["强制性产品认证证书编号"]:
            row["强制性产品认证证书编号"] = f"2025{i:012d}"
    assert import_units(rows, tree.city).ok
    assert import_people(person_rows(rows, seed=42), tree.city).ok
    return rows


def make_plan(staff, tree, **fields):
    values = dict(
        jurisdiction=tree.city, year=2026, batch=1, title="2026年第一批", roles=["director", "officer"],
        created_by=staff.operator_city, sample_ratio_percent=10,
    )
    values.update(fields)
    return SamplingPlan.objects.create(**values)


@pytest.fixture
def city_staff(staff, tree):
    staff.operator_city = make_staff("op-city", "operator", tree.city).user
    staff.approver_city = make_staff("ap-city", "approver", tree.city).user
    return staff


def approved(plan, staff):
    sampling.plan_submit(actor=staff.operator_city, plan=plan)
    sampling.plan_approve(actor=staff.approver_city, plan=plan)
    return plan


def test_recommended_size_uses_the_finite_population_correction():
    assert sampling.recommended_sample_size(population=1000, margin=0.05) == 278
    assert sampling.recommended_sample_size(population=100_000, margin=0.05) == 383
    assert sampling.recommended_sample_size(population=50, margin=0.05) == 45
    assert sampling.recommended_sample_size(population=0, margin=0.05) == 0


@pytest.mark.parametrize("trial", range(40))
def test_allocation_sums_to_n_at_least_one_never_more_than_the_stratum(trial):
    rng = random.Random(trial)
    strata = {f"h{i}": rng.choice([0, 1, 2, 5, 40, 300]) for i in range(rng.randint(1, 8))}
    total = sum(strata.values())
    if total == 0:
        return
    n = rng.randint(1, total)
    spreads = {h: rng.random() * 0.5 for h in strata} if trial % 2 else None
    result = sampling.allocate(strata=strata, n=n, spreads=spreads)
    nonempty = [h for h, size in strata.items() if size]
    assert sum(result.values()) == max(n, len(nonempty))
    assert set(result) == set(nonempty)
    assert all(1 <= result[h] <= strata[h] for h in nonempty)


def test_proportional_and_neyman_allocations():
    assert sampling.allocate(strata={"a": 90, "b": 10}, n=10) == {"a": 9, "b": 1}
    # Neyman: a stratum with a pass rate near 1 (small spread) gets fewer than its share.
    spreads = {"a": sampling.neyman_spread(0.5), "b": sampling.neyman_spread(0.98)}
    result = sampling.allocate(strata={"a": 100, "b": 100}, n=20, spreads=spreads)
    assert result["a"] > result["b"] >= 1 and sum(result.values()) == 20
    assert sampling.neyman_spread(None) == 0.5


def test_our_draw_equals_the_consistent_sampler_package():
    ids = [f"91330110{i:010d}" for i in range(300)]
    ours = [e for _t, e, _s in verify_draw.draw([(i, "") for i in ids], SEED, {"": 30})]
    assert ours == list(sampler(ids, SEED, take=30, output="id"))
    # Per stratum, the package run on the stratum alone.
    rows = [(i, "A" if n % 3 else "B") for n, i in enumerate(ids)]
    ours = verify_draw.draw(rows, SEED, {"A": 7, "B": 4})
    for stratum, size in (("A", 7), ("B", 4)):
        members = [i for i, s in rows if s == stratum]
        expected = list(sampler(members, SEED, take=size, output="id"))
        assert [e for _t, e, s in ours if s == stratum] == expected


def test_frame_hash_is_stable_and_changes_with_the_population(city_staff, tree, register):
    plan = make_plan(city_staff, tree)
    first = verify_draw.frame_csv([(e.id, e.stratum) for e in selectors.plan_population(plan=plan)])
    again = verify_draw.frame_csv([(e.id, e.stratum) for e in reversed(selectors.plan_population(plan=plan))])
    assert verify_draw.frame_sha256(first) == verify_draw.frame_sha256(again)
    ProductionUnit.objects.filter(uscc=register[0]["统一社会信用代码"]).update(status="closed")
    changed = verify_draw.frame_csv([(e.id, e.stratum) for e in selectors.plan_population(plan=plan)])
    assert verify_draw.frame_sha256(changed) != verify_draw.frame_sha256(first)


def test_a_plan_cannot_be_frozen_or_drawn_before_approval(city_staff, tree, register):
    plan = make_plan(city_staff, tree)
    with pytest.raises(ValidationError):
        sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    sampling.plan_submit(actor=city_staff.operator_city, plan=plan)
    with pytest.raises(ValidationError):
        sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    with pytest.raises(PermissionDenied):
        sampling.plan_approve(actor=city_staff.operator_city, plan=plan)  # an operator
    with pytest.raises(PermissionDenied):
        sampling.plan_approve(actor=city_staff.approver_a, plan=plan)  # an approver of another bureau
    sampling.plan_approve(actor=city_staff.approver_city, plan=plan)
    assert plan.status == PlanStatus.APPROVED


def test_the_drafter_cannot_approve_their_own_plan(city_staff, tree, register):
    plan = make_plan(city_staff, tree, created_by=city_staff.approver_city)
    sampling.plan_submit(actor=city_staff.approver_city, plan=plan)
    with pytest.raises(PermissionDenied):
        sampling.plan_approve(actor=city_staff.approver_city, plan=plan)


def test_the_draw_is_the_consistent_sampler_on_the_frozen_frame(city_staff, tree, register):
    plan = approved(make_plan(city_staff, tree), city_staff)
    frame = sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    assert frame.size == 60 and frame.sha256 == verify_draw.frame_sha256(frame.csv_text)
    with pytest.raises(ValidationError):
        sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)  # frozen once
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed="3141 5926 5358 9793 2384 626")
    assert draw.seed == SEED and draw.sizes == {"": 6}
    ids = [e for e, _s in verify_draw.read_frame(frame.csv_text)]
    expected = list(sampler(ids, SEED, take=6, output="id"))
    assert list(draw.selections.order_by("position").values_list("element_id", flat=True)) == expected
    assert sampling.draw_verify(draw)


@pytest.mark.parametrize("seed", ["1234567890123456789", "12345678901234567890abc", "", "１２３４５６７８９０１２３４５６７８９０１"])
def test_a_seed_needs_twenty_decimal_digits(seed):
    with pytest.raises(ValidationError):
        sampling.seed_clean(seed)


def test_a_second_draw_needs_a_reason_and_stands_beside_the_first(city_staff, tree, register):
    plan = approved(make_plan(city_staff, tree), city_staff)
    sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    first = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    with pytest.raises(ValidationError):
        sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed="9" * 20)
    second = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed="9" * 20, reason="抽签现场断电，重新掷骰")
    assert Draw.objects.filter(plan=plan).count() == 2
    assert second.replaces == first and not Draw.objects.get(pk=first.pk).current
    assert second.reason == "抽签现场断电，重新掷骰"


def test_stratified_draw_by_county(city_staff, tree, register):
    plan = approved(make_plan(city_staff, tree, method="stratified", stratify_by="county", sample_size=8), city_staff)
    frame = sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    assert set(frame.strata) == {"330110", "330113"}
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    assert sum(draw.sizes.values()) == 8 and all(v >= 1 for v in draw.sizes.values())
    for stratum, size in draw.sizes.items():
        assert draw.selections.filter(stratum=stratum).count() == size
    assert sampling.draw_verify(draw)


def test_extension_keeps_the_first_sample_and_takes_the_next_ticket(city_staff, tree, register):
    plan = approved(make_plan(city_staff, tree), city_staff)
    frame = sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    before = list(draw.selections.values_list("element_id", flat=True))
    closed = draw.selections.first()
    added = sampling.draw_extend(actor=city_staff.operator_city, draw=draw, withdraw=closed, reason="已注销")
    ids = [e for e, _s in verify_draw.read_frame(frame.csv_text)]
    assert added.element_id == list(sampler(ids, SEED, take=7, output="id"))[6]
    assert list(draw.selections.filter(is_extension=False).values_list("element_id", flat=True)) == before
    assert sampling.draw_verify(draw)


def test_verify_draw_script_runs_on_the_standard_library_alone(city_staff, tree, register, tmp_path):
    plan = approved(make_plan(city_staff, tree, method="stratified", stratify_by="county", sample_size=9), city_staff)
    frame = sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    path = tmp_path / "frame.csv"
    path.write_text(frame.csv_text, encoding="utf-8")
    sizes = ",".join(f"{h}={n}" for h, n in draw.sizes.items())
    # -I -S: isolated, no site-packages: nothing but the standard library.
    output = subprocess.run(
        [sys.executable, "-I", "-S", "assessment/verify_draw.py", str(path), SEED, "--sizes", sizes],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert output == list(draw.selections.order_by("position").values_list("element_id", flat=True))


def test_verify_draw_command(city_staff, tree, register, capsys):
    plan = approved(make_plan(city_staff, tree), city_staff)
    sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    call_command("verify_draw", str(draw.pk))
    assert "一致" in capsys.readouterr().out
    draw.selections.filter(position=1).update(element_id="tampered")
    with pytest.raises(SystemExit):
        call_command("verify_draw", str(draw.pk))


@pytest.fixture
def drawn(city_staff, tree, register):
    call_command("import_questions", "assessment/data/starter_questions.csv", verbosity=0)
    plan = approved(make_plan(city_staff, tree), city_staff)
    sampling.frame_freeze(actor=city_staff.operator_city, plan=plan)
    draw = sampling.draw_perform(actor=city_staff.operator_city, plan=plan, seed=SEED)
    now = timezone.now()
    session = session_create(actor=city_staff.operator_city, plan=plan, name="第一场", mode="online", venue="",
                             starts_at=now + timedelta(days=7), ends_at=now + timedelta(days=7, hours=2))
    return plan, draw, session


def test_tickets_store_only_a_hash_and_reissue_invalidates_the_old_code(city_staff, drawn):
    plan, draw, session = drawn
    issued = tickets_issue(actor=city_staff.operator_city, session=session, selections=list(draw.selections.all()))
    assert issued
    ticket, code = issued[0].ticket, issued[0].access_code
    assert code not in ticket.access_code_hash and ticket.access_code_hash == access_code_hash(ticket.number, code)
    assert ticket_check(number=ticket.number, code=code.lower()) == ticket
    assert ticket_check(number=ticket.number, code="WRONG234") is None
    new = ticket_reissue(actor=city_staff.operator_city, ticket=ticket)
    assert ticket_check(number=ticket.number, code=code) is None
    assert ticket_check(number=ticket.number, code=new.access_code) == ticket
    # Issuing again gives no one a second ticket.
    assert tickets_issue(actor=city_staff.operator_city, session=session, selections=list(draw.selections.all())) == []
    people = {t.ticket.person.role for t in issued}
    assert people <= {"director", "officer"}


def test_examiners_are_drawn_with_recusal(city_staff, tree, drawn):
    plan, draw, session = drawn
    tickets_issue(actor=city_staff.operator_city, session=session, selections=list(draw.selections.all()))
    examiners = [make_staff(f"ex{i}", "operator", tree.county_a, can_examine=True) for i in range(4)]
    conflicted = examiners[0]
    unit = Ticket.objects.filter(session=session).first().person.unit
    ConflictDeclaration.objects.create(staff=conflicted, unit=unit, reason="亲属在该单位任职")
    assignments = examiners_draw(actor=city_staff.operator_city, session=session)
    chosen = {a.staff_id for a in assignments}
    assert len(chosen) == 2 and conflicted.pk not in chosen
    with pytest.raises(ValidationError):
        examiners_draw(actor=city_staff.operator_city, session=session)


def test_too_few_examiners_after_recusal_is_refused(city_staff, tree, drawn):
    plan, draw, session = drawn
    tickets_issue(actor=city_staff.operator_city, session=session, selections=list(draw.selections.all()))
    StaffProfile.objects.update(can_examine=False)
    make_staff("only-one", "operator", tree.county_a, can_examine=True)
    with pytest.raises(ValidationError, match="需要 2 名"):
        examiners_draw(actor=city_staff.operator_city, session=session)


def test_conflicts_are_declared_in_the_console_within_the_jurisdiction(city_staff, tree, register, client_for):
    from django.urls import reverse

    examiner = make_staff("ex-c", "operator", tree.county_a, can_examine=True)
    unit_a = ProductionUnit.objects.filter(county=tree.county_a).first()
    unit_b = ProductionUnit.objects.filter(county=tree.county_b).first()
    client = client_for(city_staff.operator_a)
    response = client.post(reverse("conflicts:add"), {"staff": examiner.pk, "unit": unit_b.pk, "reason": "配偶任职"})
    assert response.status_code == 200 and not ConflictDeclaration.objects.exists()  # county B is not a choice
    response = client.post(reverse("conflicts:add"), {"staff": examiner.pk, "unit": unit_a.pk, "reason": "配偶任职"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get().unit == unit_a
