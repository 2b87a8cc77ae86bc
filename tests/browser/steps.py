"""Steps the browser journeys share."""

from tests.factories import PASSWORD


def console_login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log into the console through its own form and land on the dashboard."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
