"""Question rules, versions and the bank file (issue 4)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessment.models import KnowledgeArea, Question, QuestionStatus, QuestionVersion
from assessment.questions_io import questions_export, questions_import_file
from assessment.services.bank import QuestionContent, question_content_errors, question_create, question_set_status, question_update

STARTER = "assessment/data/starter_questions.csv"


@pytest.fixture
def area(db):
    return KnowledgeArea.objects.get(name="质量安全管理制度")


def content(area, **overrides):
    values = dict(type="single", stem="质量安全员每日检查后应形成什么记录？",
                  options=["每日工业产品质量安全检查记录", "每周排查治理报告", "每月调度会议纪要", "风险管控清单"],
                  answer="A", area=area, legal_source="《工业产品生产单位落实质量安全主体责任监督管理规定》第十条")
    values.update(overrides)
    return QuestionContent(**values)


def messages(c):
    return [m for _f, m in question_content_errors(c)]


def test_a_sound_single_choice_passes(area):
    assert messages(content(area)) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"answer": "AB"}, "单选题只能有一个正确答案"),
        ({"answer": "E"}, "未填写的选项"),
        ({"answer": ""}, "正确答案为空"),
        ({"options": ["甲"]}, "2 至 6 个选项"),
        ({"options": ["甲", "乙", "丙", "丁", "戊", "己", "庚"]}, "2 至 6 个选项"),
        ({"options": ["甲", "", "丙"]}, "不能有空缺"),
        ({"options": ["甲", "甲", "丙"]}, "选项文字相同"),
        ({"type": "judge", "options": ["对", "错"]}, "正确”和“错误"),
        ({"type": "judge", "options": ["正确", "错误", "不确定"]}, "正确”和“错误"),
        ({"type": "judge", "options": ["正确", "错误"], "answer": "AB"}, "判断题只有一个答案"),
        ({"type": "multi", "answer": "B"}, "至少有两个正确答案"),
        ({"type": "multi", "options": ["甲", "乙"], "answer": "AB"}, "至少有三个选项"),
        ({"stem": "  "}, "题干为空"),
        ({"legal_source": ""}, "依据"),
    ],
)
def test_each_rule_refuses_a_bad_question(area, overrides, expected):
    assert any(expected in m for m in messages(content(area, **overrides))), messages(content(area, **overrides))


def test_a_true_false_question_has_exactly_two_fixed_options(area):
    assert messages(content(area, type="judge", options=["正确", "错误"], answer="B")) == []


def test_multi_answer_letters_are_normalised(area):
    c = content(area, type="multi", answer="ca", options=["甲", "乙", "丙", "丁"]).normalised()
    assert c.answer == "AC"


def test_create_refuses_invalid_content_and_writes_nothing(area):
    with pytest.raises(ValidationError):
        question_create(actor=None, content=content(area, answer="AB"))
    assert not Question.objects.exists()


def test_editing_an_active_question_makes_a_new_version(area):
    question = question_create(actor=None, content=content(area))
    first = question.current_version
    question_update(actor=None, question=question, content=content(area, explanation="见第十条"))
    assert question.current_version.pk == first.pk  # a draft is edited in place
    question_set_status(actor=None, question=question, status=QuestionStatus.ACTIVE)
    question_update(actor=None, question=question, content=content(area, answer="B"))
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version.answer == "B"
    assert QuestionVersion.objects.get(pk=first.pk).answer == "A"  # what candidates saw stays
    question_update(actor=None, question=question, content=content(area, answer="B"))
    assert question.versions.count() == 2  # saving the same content makes no version


def test_a_question_that_has_been_active_never_goes_back_to_draft(area):
    """Else its first version, which papers may hold, would be edited in place."""
    question = question_create(actor=None, content=content(area))
    first = question.current_version
    question_set_status(actor=None, question=question, status=QuestionStatus.ACTIVE)
    for status in (QuestionStatus.ACTIVE, QuestionStatus.RETIRED):
        question_set_status(actor=None, question=question, status=status)
        with pytest.raises(ValidationError):
            question_set_status(actor=None, question=question, status=QuestionStatus.DRAFT)
        question.refresh_from_db()
        assert question.status == status
    question_update(actor=None, question=question, content=content(area, answer="B"))
    assert QuestionVersion.objects.get(pk=first.pk).answer == "A"


def test_starter_bank_imports_cleanly_and_covers_every_area_and_role(db):
    call_command("import_questions", STARTER)
    active = Question.objects.filter(status=QuestionStatus.ACTIVE)
    assert active.count() >= 150
    versions = QuestionVersion.objects.filter(question__in=active)
    assert set(versions.values_list("area__name", flat=True)) == set(KnowledgeArea.objects.values_list("name", flat=True))
    assert {"director", "officer", "both"} <= set(versions.values_list("roles", flat=True))
    assert all(v.legal_source for v in versions)


def test_reimporting_the_bank_changes_nothing(db, capsys):
    call_command("import_questions", STARTER)
    capsys.readouterr()
    call_command("import_questions", STARTER)
    out = capsys.readouterr().out
    assert "新增 0，更新 0" in out
    assert QuestionVersion.objects.count() == Question.objects.count()


def test_export_round_trips(db, tmp_path):
    call_command("import_questions", STARTER)
    path = tmp_path / "bank.xlsx"
    call_command("export_questions", "-o", str(path))
    result = questions_import_file(data=path.read_bytes(), filename="bank.xlsx", actor=None, dry_run=True)
    assert result.ok and result.created == 0 and result.updated == 0
    assert result.unchanged == Question.objects.count()


def test_bad_rows_are_named_and_nothing_is_written(db, tmp_path):
    header = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,正确答案,解析,知识领域,适用岗位,产品类别,依据,难度\n"
    rows = [
        "单选,题一,甲,乙,丙,丁,,,AB,,质量安全管理制度,通用,,第十条,易",
        "判断,题二,对,错,,,,,A,,质量安全管理制度,通用,,第十条,易",
        "多选,题三,甲,乙,丙,丁,,,F,,质量安全管理制度,通用,,第十条,中",
        "问答,题四,甲,乙,,,,,A,,质量安全管理制度,通用,,第十条,中",
        "单选,题五,甲,乙,丙,,,,A,,不存在的领域,厂长,火箭,第十条,极难",
        "单选,题六,甲,乙,丙,,,,C,,质量安全管理制度,质量安全员,,第十条,难",
    ]
    path = tmp_path / "bank.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="gb18030")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_questions", str(path))
    assert exit_info.value.code == 1
    assert not Question.objects.exists()
    result = questions_import_file(data=path.read_bytes(), filename="bank.csv", actor=None, dry_run=True)
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e)
    assert "单选题只能有一个正确答案" in by_row[2][0].message and by_row[2][0].column == "正确答案"
    assert "正确”和“错误" in by_row[3][0].message
    assert "未填写的选项" in " ".join(e.message for e in by_row[4])
    assert by_row[5][0].column == "题型"
    assert {e.column for e in by_row[6]} == {"知识领域", "适用岗位", "产品类别", "难度"}
    assert 7 not in by_row


def test_export_is_formula_safe(area):
    question_create(actor=None, content=content(area, stem="=1+1 是公式吗？"))
    data = questions_export(queryset=Question.objects.all(), file_format="csv").decode("utf-8-sig")
    assert "'=1+1" in data
