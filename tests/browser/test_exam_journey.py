"""Journey 3 on a phone-sized Chromium: log in with the notice, answer every question, reload
mid-way and find the answers in place, submit, see the score."""

import pytest

from assessment.models import Attempt, QuestionVersion
from assessment.services.attempts import to_shown_letters
from tests.browser.steps import exam_login, exam_start, exam_tickets

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_candidate_takes_the_exam_on_a_phone(live_server, phone):
    issued = exam_tickets(units=4)
    ticket, code = issued[0].ticket, issued[0].access_code

    page, context = phone, phone.context
    exam_login(page, live_server.url, ticket.number, code.lower())
    assert "考前须知" in page.content()
    exam_start(page)

    attempt = Attempt.objects.get(ticket=ticket)
    versions = QuestionVersion.objects.in_bulk([item["v"] for item in attempt.paper])
    body = page.content()
    for version in versions.values():  # the key never reaches the page
        if version.explanation:
            assert version.explanation not in body

    def answer(position):
        item = attempt.paper[position]
        for letter in to_shown_letters(item, versions[item["v"]].answer):
            page.locator(f"fieldset[data-position='{position}'] input[value='{letter}']").check()
        page.locator(f"fieldset[data-position='{position}'] [data-saved]").filter(has_text="已保存").wait_for()

    half = len(attempt.paper) // 2
    for position in range(half):
        answer(position)
    # the answers went through the save pass: an http-only cookie sent to the save endpoint alone
    (save_pass,) = [c for c in context.cookies() if c["name"] == "exam_save_pass"]
    assert save_pass["httpOnly"] and save_pass["path"] == "/exam/attempt/save/" and save_pass["sameSite"] == "Strict"
    assert attempt.answers.count() == half
    page.reload()
    assert page.locator("input:checked").count() >= half
    assert page.locator(".exam-nav a.done").count() == half
    for position in range(half, len(attempt.paper)):
        answer(position)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    page.wait_for_url("**/exam/result/")
    result = page.locator(".exam-result").inner_text()
    assert "100" in result and "合格" in result
