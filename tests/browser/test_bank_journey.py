"""The bank and blueprint editor in a real browser: live feasibility as the approver types."""

import pytest
from django.core.management import call_command

from assessment.models import Blueprint
from tests.browser.steps import console_login
from tests.factories import make_staff, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_blueprint_editor_says_live_whether_the_bank_can_fill_it(live_server, page):
    tree = make_tree()
    make_staff("yh-ap", "approver", tree.county_a)
    call_command("import_questions", "assessment/data/starter_questions.csv", verbosity=0)
    blueprint = Blueprint.objects.get(role="director")

    console_login(page, live_server.url, "yh-ap")

    page.goto(f"{live_server.url}/admin/blueprints/edit/{blueprint.pk}/")
    section = page.locator(".zl-feasibility")
    assert "启用题库可以按此规则组卷：共 30 题，100 分" in section.inner_text()
    page.fill("input[name='cells-0-count']", "60")
    page.wait_for_function("() => document.querySelector('.zl-feasibility').innerText.includes('不足')")
    assert "需要 60 道" in section.inner_text()
    page.fill("input[name='cells-0-count']", "3")
    page.wait_for_function("() => document.querySelector('.zl-feasibility').innerText.includes('可以按此规则组卷')")
