"""Steps the browser journeys share."""

from tests.factories import PASSWORD, make_staff, make_tree, open_session_with_tickets


def console_login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log into the console through its own form and land on the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def exam_tickets(*, units: int):
    """A fresh tree whose county A has an exam session open now, its tickets issued to `units`
    units' people through the real services. Returns the issued tickets (ticket, access code)."""
    tree = make_tree()
    operator = make_staff("op", "operator", tree.county_a).user
    approver = make_staff("ap", "approver", tree.county_a).user
    _session, issued = open_session_with_tickets(county=tree.county_a, operator=operator, approver=approver, units=units)
    return issued


def exam_login(page, base_url: str, ticket_number: str, access_code: str) -> None:
    """Log in with the notice's ticket number and access code and land on the page before the start."""
    page.goto(f"{base_url}/exam/")
    page.fill("#id_ticket_number", ticket_number)
    page.fill("#id_access_code", access_code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/exam/ticket/")


def exam_start(page) -> None:
    page.get_by_role("button", name="开始考试").click()
    page.wait_for_url("**/exam/attempt/")


def plan_press(page, base_url: str, plan, button: str) -> None:
    """On the plan's console page, press one of its step buttons (提交审核, 审核通过, 冻结抽样框) and
    wait for the page it leads to; the plan is read again."""
    page.goto(f"{base_url}/admin/plans/inspect/{plan.pk}/")
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    plan.refresh_from_db()
