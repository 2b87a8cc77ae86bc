import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessment.models import Blueprint, BlueprintCell, KnowledgeArea, Question, QuestionStatus
from supervision.models import ImportJob

STARTER = "assessment/data/starter_questions.csv"


@pytest.fixture
def bank(db):
    call_command("import_questions", STARTER, verbosity=0)


def form_data(area, **overrides):
    data = {
        "type": "single", "stem": "月调度由谁主持？", "option_A": "质量安全员", "option_B": "单位主要负责人",
        "option_C": "质量安全总监", "option_D": "", "option_E": "", "option_F": "", "answer": "B",
        "explanation": "第十二条", "area": area.pk, "roles": "both",
        "legal_source": "《工业产品生产单位落实质量安全主体责任监督管理规定》第十二条", "difficulty": "easy",
    }
    data.update(overrides)
    return data


def test_bank_list_filters_and_search(staff, bank, client_for):
    client = client_for(staff.operator_a)
    area = KnowledgeArea.objects.get(name="法律法规与规章")
    page = client.get(reverse("questions:index") + f"?area={area.pk}&type=judge").content.decode()
    assert "判断" in page
    q = Question.objects.select_related("current_version").filter(current_version__area=area, current_version__type="judge").first()
    assert q.current_version.stem[:20] in page
    other = Question.objects.select_related("current_version").exclude(current_version__area=area).first()
    assert other.current_version.stem[:30] not in page
    page = client.get(reverse("questions:index") + "?q=日管控").content.decode()
    assert "日管控" in page


def test_preview_shows_the_question_and_the_key_to_staff(staff, bank, client_for):
    question = Question.objects.select_related("current_version").first()
    page = client_for(staff.overseer).get(reverse("questions:inspect", args=[question.pk])).content.decode()
    assert question.current_version.stem in page
    assert "考生看到的样子" in page and "答案（不会发送给考生）" in page


def test_operator_reads_but_cannot_change_the_bank(staff, bank, client_for):
    client = client_for(staff.operator_a)
    question = Question.objects.first()
    assert client.get(reverse("questions:index")).status_code == 200
    assert client.get(reverse("questions:edit", args=[question.pk])).status_code in (302, 403)
    response = client.post(reverse("questions:status", args=[question.pk, "retired"]))
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.status == QuestionStatus.ACTIVE


def test_approver_creates_a_draft_and_bad_content_is_refused_in_chinese(staff, bank, client_for):
    client = client_for(staff.approver_a)
    area = KnowledgeArea.objects.first()
    response = client.post(reverse("questions:add"), form_data(area, answer="BC"))
    assert response.status_code == 200
    assert "单选题只能有一个正确答案" in response.content.decode()
    count = Question.objects.count()
    response = client.post(reverse("questions:add"), form_data(area))
    assert response.status_code == 302
    question = Question.objects.latest("pk")
    assert Question.objects.count() == count + 1 and question.status == QuestionStatus.DRAFT
    assert question.current_version.options == ["质量安全员", "单位主要负责人", "质量安全总监"]


def test_editing_an_active_question_in_the_console_versions_it(staff, bank, client_for):
    client = client_for(staff.approver_a)
    question = Question.objects.select_related("current_version__area").first()
    version = question.current_version
    data = form_data(version.area, type=version.type, stem=version.stem, answer=version.answer,
                     explanation="新的解析", legal_source=version.legal_source, roles=version.roles, difficulty=version.difficulty)
    for letter, text in zip("ABCDEF", version.options + [""] * 6):
        data[f"option_{letter}"] = text
    response = client.post(reverse("questions:edit", args=[question.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version.explanation == "新的解析"


def test_retire_and_reactivate(staff, bank, client_for):
    client = client_for(staff.approver_a)
    question = Question.objects.first()
    client.post(reverse("questions:status", args=[question.pk, "retired"]))
    question.refresh_from_db()
    assert question.status == QuestionStatus.RETIRED
    assert client.get(reverse("questions:status", args=[question.pk, "active"])).status_code == 405
    client.post(reverse("questions:status", args=[question.pk, "active"]))
    question.refresh_from_db()
    assert question.status == QuestionStatus.ACTIVE
    page = client.post(reverse("questions:status", args=[question.pk, "draft"]), follow=True).content.decode()
    assert "不能退回草稿" in page
    question.refresh_from_db()
    assert question.status == QuestionStatus.ACTIVE


def test_blueprint_editor_shows_whether_the_bank_can_fill_it(staff, bank, client_for):
    client = client_for(staff.approver_a)
    blueprint = Blueprint.objects.get(role="officer")
    page = client.get(reverse("blueprints:edit", args=[blueprint.pk])).content.decode()
    assert "启用题库可以按此规则组卷：共 30 题，100 分" in page
    BlueprintCell.objects.filter(blueprint=blueprint, type="multi").update(count=50)
    page = client.get(reverse("blueprints:edit", args=[blueprint.pk])).content.decode()
    assert "启用题库不足以按此规则组卷" in page and "需要 50 道" in page


def test_blueprint_check_answers_for_unsaved_form_data(staff, bank, client_for, django_assert_max_num_queries):
    client = client_for(staff.approver_a)
    area = KnowledgeArea.objects.get(name="质量安全管理制度")
    data = {
        "role": "officer", "points_judge": "3", "points_single": "3", "points_multi": "5",
        "cells-TOTAL_FORMS": "2",
        "cells-0-area": str(area.pk), "cells-0-type": "judge", "cells-0-count": "4",
        "cells-1-area": str(area.pk), "cells-1-type": "multi", "cells-1-count": "99",
    }
    # 13: the authorization decision reads the user's staff profile (role and bureau) once.
    with django_assert_max_num_queries(13):
        response = client.post(reverse("blueprints:check"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "启用题库不足以按此规则组卷" in page and "需要 99 道" in page
    data["cells-1-DELETE"] = "1"
    page = client.post(reverse("blueprints:check"), data).content.decode()
    assert "启用题库可以按此规则组卷：共 4 题，12 分" in page
    assert client.get(reverse("blueprints:check")).status_code == 405
    bad = client.post(reverse("blueprints:check"), {"cells-TOTAL_FORMS": "x", "role": "nobody"})
    assert bad.status_code == 200


def test_console_import_previews_then_confirms(staff, client_for, db):
    client = client_for(staff.approver_a)
    with open(STARTER, "rb") as f:
        data = f.read()
    response = client.post(reverse("questions:import"), {"file": SimpleUploadedFile("bank.csv", data)}, follow=True)
    assert response.status_code == 200 and "确认导入" in response.content.decode()
    assert not Question.objects.exists()
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    count = Question.objects.count()
    assert count >= 150
    again = client.post(reverse("imports:confirm", args=[job.pk]))  # a double click
    assert again.status_code == 302 and Question.objects.count() == count


def test_console_import_refuses_a_bad_file(staff, client_for, db):
    client = client_for(staff.approver_a)
    response = client.post(reverse("questions:import"), {"file": SimpleUploadedFile("bank.docx", b"PK\x03\x04x")})
    assert response.status_code == 400 and "Excel" in response.content.decode()
    assert not Question.objects.exists()
