"""The exam's answers through the shared offline queue (static/js/offline-queue.js): an answer given
without signal is kept on the phone, the page says so, and it is saved when the signal returns."""

import pytest

from assessment.models import Attempt, QuestionVersion
from assessment.services.attempts import to_shown_letters
from tests.factories import make_staff, make_tree, open_session_with_tickets

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_an_answer_given_offline_is_saved_when_the_signal_returns(live_server, browser):
    tree = make_tree()
    operator = make_staff("op", "operator", tree.county_a).user
    approver = make_staff("ap", "approver", tree.county_a).user
    _session, issued = open_session_with_tickets(county=tree.county_a, operator=operator, approver=approver, units=2)
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/exam/")
    page.fill("#id_ticket_number", issued[0].ticket.number)
    page.fill("#id_access_code", issued[0].access_code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/exam/ticket/")
    page.get_by_role("button", name="开始考试").click()
    page.wait_for_url("**/exam/attempt/")
    attempt = Attempt.objects.get(ticket=issued[0].ticket)
    item = attempt.paper[0]
    letters = to_shown_letters(item, QuestionVersion.objects.get(pk=item["v"]).answer)

    context.set_offline(True)
    for letter in letters:
        page.locator(f"fieldset[data-position='0'] input[value='{letter}']").check()
    page.locator("[data-net]").filter(has_text="网络中断").wait_for()
    assert not attempt.answers.exists()

    context.set_offline(False)
    page.locator("fieldset[data-position='0'] [data-saved]").filter(has_text="已保存").wait_for(timeout=30000)
    assert attempt.answers.count() == 1
    page.wait_for_function("document.querySelector('[data-net]').textContent === ''")
    assert page.evaluate(f"localStorage.getItem('exam-queue-{attempt.pk}')") == "{}"
    context.close()
