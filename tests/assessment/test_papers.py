"""Paper assembly: deterministic, prefers unseen questions, names the short cell (issue 4)."""

import pytest
from django.core.management import call_command

from assessment.models import Blueprint, BlueprintCell, KnowledgeArea, QuestionStatus, QuestionVersion
from assessment.services.bank import QuestionContent, question_create, question_set_status
from assessment.services.papers import BlueprintInfeasible, PaperAssembler, paper_assemble
from supervision.models import ProductCategory


@pytest.fixture
def bank(db):
    call_command("import_questions", "assessment/data/starter_questions.csv", verbosity=0)


@pytest.fixture
def director_blueprint(bank):
    return Blueprint.objects.get(role="director")


def test_default_blueprints_follow_the_national_precedent(db):
    for blueprint in Blueprint.objects.all():
        cells = list(blueprint.cells.all())
        assert sum(c.count for c in cells) == 30
        assert sum(c.count * blueprint.points_for(c.type) for c in cells) == 100
        assert (blueprint.pass_mark_percent, blueprint.time_limit_minutes) == (90, 40)


def test_the_starter_bank_fills_both_default_blueprints(bank):
    for blueprint in Blueprint.objects.all():
        assert PaperAssembler(blueprint=blueprint, role=blueprint.role).shortfalls() == []


def test_paper_has_the_blueprints_cells_and_only_the_roles_questions(director_blueprint):
    paper = paper_assemble(blueprint=director_blueprint, role="director", seed="2026-001")
    versions = QuestionVersion.objects.in_bulk([i.version_id for i in paper.items])
    assert len(paper.items) == 30 and len({i.question_id for i in paper.items}) == 30
    counts = {}
    for item in paper.items:
        v = versions[item.version_id]
        assert v.roles in ("director", "both")
        counts[(v.area_id, v.type)] = counts.get((v.area_id, v.type), 0) + 1
    assert counts == {(c.area_id, c.type): c.count for c in director_blueprint.cells.all()}


def test_same_inputs_same_paper_other_seed_other_paper(director_blueprint):
    a = paper_assemble(blueprint=director_blueprint, role="director", seed="ticket-1")
    b = PaperAssembler(blueprint=director_blueprint, role="director").assemble(seed="ticket-1")
    c = paper_assemble(blueprint=director_blueprint, role="director", seed="ticket-2")
    assert a == b
    assert a != c


def test_options_are_a_permutation_and_true_false_keeps_its_order(director_blueprint):
    paper = paper_assemble(blueprint=director_blueprint, role="director", seed="x")
    versions = QuestionVersion.objects.in_bulk([i.version_id for i in paper.items])
    shuffled = 0
    for item in paper.items:
        n = len(versions[item.version_id].options)
        assert sorted(item.option_order) == list(range(n))
        if item.type == "judge":
            assert item.option_order == (0, 1)
        elif item.option_order != tuple(range(n)):
            shuffled += 1
    assert shuffled > 0
    director_blueprint.shuffle_options = False
    director_blueprint.save()
    plain = paper_assemble(blueprint=director_blueprint, role="director", seed="x")
    assert all(i.option_order == tuple(sorted(i.option_order)) for i in plain.items)


def test_a_second_attempt_prefers_questions_not_seen_in_the_first(director_blueprint):
    assembler = PaperAssembler(blueprint=director_blueprint, role="director")
    first = assembler.assemble(seed="resit-1")
    seen = {i.question_id for i in first.items}
    second = assembler.assemble(seed="resit-2", seen_question_ids=seen)
    overlap = seen & {i.question_id for i in second.items}
    # Only cells whose pool is smaller than twice their count may repeat a question.
    forced = sum(max(0, 2 * c.count - len(assembler.pools[(c.area_id, c.type)])) for c in assembler.cells)
    assert len(overlap) <= forced
    assert len(overlap) < len(seen)


def test_a_short_bank_names_the_cell_and_the_shortfall(director_blueprint):
    area = KnowledgeArea.objects.get(name="标准检验与抽查")
    BlueprintCell.objects.filter(blueprint=director_blueprint, area=area, type="multi").update(count=40)
    with pytest.raises(BlueprintInfeasible) as info:
        paper_assemble(blueprint=director_blueprint, role="director", seed="s")
    (shortfall,) = info.value.shortfalls
    assert (shortfall.area, shortfall.type, shortfall.needed) == ("标准检验与抽查", "multi", 40)
    assert f"差 {40 - shortfall.available} 道" in str(shortfall)


def test_retired_and_draft_questions_are_never_drawn(director_blueprint):
    retired = QuestionVersion.objects.filter(question__status=QuestionStatus.ACTIVE).first().question
    question_set_status(actor=None, question=retired, status=QuestionStatus.RETIRED)
    for seed in range(20):
        paper = paper_assemble(blueprint=director_blueprint, role="director", seed=str(seed))
        assert retired.pk not in {i.question_id for i in paper.items}


def test_category_questions_go_only_to_units_of_that_category(director_blueprint):
    area = KnowledgeArea.objects.get(name="标准检验与抽查")
    cables = ProductCategory.objects.get(name="电线电缆")
    question = question_create(actor=None, content=QuestionContent(
        type="multi", stem="电线电缆产品出厂检验应当关注哪些项目？", options=["导体电阻", "绝缘厚度", "标志", "包装颜色"],
        answer="ABC", area=area, legal_source="《关于生产企业全面落实产品质量安全主体责任的指导意见》", roles="both",
        category_ids=frozenset({cables.pk}),
    ))
    question_set_status(actor=None, question=question, status=QuestionStatus.ACTIVE)
    general = PaperAssembler(blueprint=director_blueprint, role="director")
    cable_unit = PaperAssembler(blueprint=director_blueprint, role="director", category_ids={cables.pk})
    key = (area.pk, "multi")
    assert question.pk not in {c.question_id for c in general.pools[key]}
    assert question.pk in {c.question_id for c in cable_unit.pools[key]}


def test_assembly_makes_no_query_once_loaded(director_blueprint, django_assert_num_queries):
    assembler = PaperAssembler(blueprint=director_blueprint, role="director")
    with django_assert_num_queries(0):
        for seed in range(50):
            assembler.assemble(seed=str(seed))
