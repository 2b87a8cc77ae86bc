"""The exam's answers through the shared offline queue (static/js/offline-queue.js): an answer given
without signal is kept on the phone, the page says so, and it is saved when the signal returns."""

import pytest

from assessment.models import Attempt, QuestionVersion
from assessment.services.attempts import to_shown_letters
from tests.browser.steps import exam_login, exam_start, exam_tickets

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_an_answer_given_offline_is_saved_when_the_signal_returns(live_server, phone):
    issued = exam_tickets(units=2)
    page, context = phone, phone.context
    exam_login(page, live_server.url, issued[0].ticket.number, issued[0].access_code)
    exam_start(page)
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
