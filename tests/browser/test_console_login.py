import pytest

from tests.factories import PASSWORD, make_staff, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_operator_logs_in_and_sees_the_chinese_dashboard(live_server, page):
    tree = make_tree()
    make_staff("yh-op", "operator", tree.county_a, full_name="王建国")

    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    page.fill("input[name=username]", "yh-op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    summary = page.locator("section[aria-labelledby=zl-summary-title]")
    assert "余杭区 · 经办人" in summary.inner_text()
    assert "工作人员" in summary.inner_text()
    menu = page.locator("#wagtail-sidebar, nav").first.inner_text()
    assert "登记" in menu and "信息公开" in menu

    page.get_by_text("登记", exact=True).first.click()
    page.get_by_role("link", name="行政区划").click()
    page.wait_for_url("**/admin/jurisdictions/")
    body = page.locator("main").inner_text()
    assert "余杭区" in body and "临平区" not in body


@pytest.mark.django_db(transaction=True)
def test_neighbouring_countys_object_is_not_found_in_the_browser(live_server, page):
    tree = make_tree()
    make_staff("yh-op", "operator", tree.county_a)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "yh-op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    response = page.goto(f"{live_server.url}/admin/jurisdictions/inspect/{tree.county_b.pk}/")
    assert response.status == 404


@pytest.mark.django_db(transaction=True)
def test_public_home_and_exam_entry_render(live_server, page, public_site):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    external = []
    page.on("request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/")
    assert "工业产品质量安全监管信息公开" in page.title()
    page.get_by_role("link", name="考核入口").first.click()
    page.wait_for_url("**/exam/")
    page.fill("#id_ticket_number", "20260001")
    page.fill("#id_access_code", "wrong")
    page.click("button[type=submit]")
    assert "准考证号或访问码不正确" in page.locator(".exam-alert").inner_text()
    assert not failed, failed
    assert not external, external
