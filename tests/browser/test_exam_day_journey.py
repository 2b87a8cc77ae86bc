"""Exam day in real browsers (issue 12): two candidates on 360 px phones behind the same address;
one locks their ticket with typos, the next logs in all the same; the examiner unlocks the first
from the board, reprints the unit's notice (confirming the dialog), and the old code is refused."""

import re

import pytest

from assessment.models import Ticket
from tests.browser.steps import console_login
from tests.factories import make_staff, make_tree, open_session_with_tickets

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _log_in(page, url, number, code):
    page.goto(f"{url}/exam/")
    page.fill("#id_ticket_number", number)
    page.fill("#id_access_code", code)
    page.get_by_role("button", name="登录").click()


@pytest.mark.django_db(transaction=True)
def test_a_locked_candidate_does_not_lock_the_room_and_a_reprint_replaces_the_code(live_server, browser):
    tree = make_tree()
    make_staff("op", "operator", tree.county_a)
    operator = make_staff("op2", "operator", tree.county_a).user
    approver = make_staff("ap", "approver", tree.county_a).user
    session, issued = open_session_with_tickets(county=tree.county_a, operator=operator, approver=approver, units=4)
    first = issued[0]
    second = next(i for i in issued if i.ticket.person.unit_id != first.ticket.person.unit_id)

    # Both phones reach the server from 127.0.0.1: one exam room behind one router.
    context_a, phone_a = _phone(browser)
    for _ in range(5):
        _log_in(phone_a, live_server.url, first.ticket.number, "WRONG234")
        assert "不正确" in phone_a.locator("[role=alert]").inner_text()
    _log_in(phone_a, live_server.url, first.ticket.number, first.access_code)
    assert "已锁定" in phone_a.locator("[role=alert]").inner_text()

    context_b, phone_b = _phone(browser)
    _log_in(phone_b, live_server.url, second.ticket.number, second.access_code)
    phone_b.wait_for_url("**/exam/ticket/")
    assert "考前须知" in phone_b.content()
    assert phone_b.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    context_b.close()

    console = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    console.set_default_timeout(15000)
    console_login(console, live_server.url, "op")
    console.goto(f"{live_server.url}/admin/plans/session/{session.plan_id}/{session.pk}/board/")
    row = console.locator("tr", has_text=first.ticket.number)
    assert "已锁定" in row.inner_text()
    row.get_by_role("button", name="解锁").click()
    console.wait_for_load_state()
    assert "已锁定" not in console.locator("tr", has_text=first.ticket.number).inner_text()

    # The unit's notice was lost: reprint it. The dialog says what will happen; dismissing changes nothing.
    messages = []
    console.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    console.locator("tr", has_text=first.ticket.number).get_by_role("button", name="补打本单位通知书").click()
    console.wait_for_timeout(300)
    assert messages and "失效" in messages[0]
    assert Ticket.objects.get(pk=first.ticket.pk).access_code_hash == first.ticket.access_code_hash
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator("tr", has_text=first.ticket.number).get_by_role("button", name="补打本单位通知书").click()
    console.wait_for_url("**/notices/*/")
    notice = console.content()
    assert "取代" in notice
    new_code = re.search(rf"{first.ticket.number}</td><td class=\"code\">([A-Z0-9]{{8}})<", notice).group(1)
    console.reload()  # a page of its own: reloading prints the same codes again
    assert new_code in console.content()

    _log_in(phone_a, live_server.url, first.ticket.number, first.access_code)
    assert "不正确" in phone_a.locator("[role=alert]").inner_text()  # the old code is refused
    _log_in(phone_a, live_server.url, first.ticket.number, new_code)
    phone_a.wait_for_url("**/exam/ticket/")
    assert "考前须知" in phone_a.content()
    context_a.close()
