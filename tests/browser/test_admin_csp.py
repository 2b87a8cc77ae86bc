"""Wagtail's admin under our Content-Security-Policy (issue 15), in a real browser: the dashboard, the
page explorer, the page editor with its preview panel, date pickers, the rich text editor's image
chooser, snippets, images, a site's page chooser and an InlinePanel's "add". The browser fixture
(conftest.py) fails the test on any CSP violation; these tests also check that the widgets Wagtail
would have started with inline scripts were started (static/js/wagtail-csp.js)."""

import pytest

from tests.browser.steps import console_login
from tests.factories import PASSWORD, make_staff, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_the_page_editor_explorer_snippets_and_choosers_run_under_the_policy(live_server, page, public_site, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    console_login(page, live_server.url, "root")
    assert page.locator("main").is_visible()

    page.goto(f"{live_server.url}/admin/pages/")
    page.goto(f"{live_server.url}/admin/pages/{public_site.pk}/")
    assert page.locator("main").is_visible()

    # The page editor, and its preview panel: an iframe of our own preview view.
    page.goto(f"{live_server.url}/admin/pages/{public_site.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("iframe[data-w-preview-target='iframe'], .preview-panel iframe").first
    frame.locator("main").wait_for()

    # A new notice: its date field is a Wagtail date picker, started by wagtail-csp.js.
    page.goto(f"{live_server.url}/admin/pages/add/cms/noticepage/{public_site.pk}/")
    page.locator("input[name=date]").click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    page.locator("input[name=title]").click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for(state="hidden")

    # The rich text editor's image command ("/") opens the image chooser in a modal.
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("/")
    page.get_by_role("option", name="图片").first.click()
    page.locator(".modal-body:visible, [data-w-dialog-target='body']:visible").filter(has=page.locator("form")).first.wait_for()
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/admin/snippets/")
    page.goto(f"{live_server.url}/admin/images/")
    page.goto(f"{live_server.url}/admin/documents/")

    # A site's root page is a page chooser (cms/csp.py): it opens its modal.
    from wagtail.models import Site

    page.goto(f"{live_server.url}/admin/sites/edit/{Site.objects.get().pk}/")
    page.locator(".w-dropdown__toggle[aria-describedby='id_root_page-title']").click()
    page.get_by_role("button", name="选择另外一个根页面").click()
    page.locator(".modal-body:visible, [data-w-dialog-target='body']:visible").filter(has=page.locator("a[data-chooser-modal-choice], table, .listing")).first.wait_for()


@pytest.mark.django_db(transaction=True)
def test_an_inline_panel_adds_a_row_under_the_policy(live_server, page):
    from assessment.models import Blueprint

    tree = make_tree()
    make_staff("yh-ap", "approver", tree.county_a)
    blueprint = Blueprint.objects.get(role="director")
    console_login(page, live_server.url, "yh-ap")

    page.goto(f"{live_server.url}/admin/blueprints/edit/{blueprint.pk}/")
    total = page.locator("input[name=cells-TOTAL_FORMS]")
    before = int(total.input_value())
    page.locator("#id_cells-ADD").click()  # works only if InlinePanel was started (wagtail-csp.js)
    page.locator(f"#inline_child_cells-{before}").wait_for()
    assert total.input_value() == str(before + 1)


@pytest.mark.django_db(transaction=True)
def test_the_harness_sees_a_violation(live_server, browser):
    """The guard itself: an inline script the policy refuses is reported, then forgotten."""
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/exam/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert any("script-src" in v for v in browser.violations())
    browser.reported.clear()
    page.evaluate("() => { window.__cspViolations = []; }")
