"""Playwright driving Debian's headless Chromium (never a downloaded browser) against a live server."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Run in every page and frame before the page's own scripts (Playwright's init scripts are not subject
# to the page's CSP): every Content-Security-Policy violation is kept in window.__cspViolations and
# reported at once to the test through the __cspReport binding, so a page closed by the test still counts.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  var text = event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at '
    + (event.sourceFile || location.href) + ':' + event.lineNumber + (event.sample ? ' (' + event.sample + ')' : '');
  window.__cspViolations.push(text);
  if (window.__cspReport) window.__cspReport(text);
});
"""


class CSPWatchedBrowser:
    """The session's browser, except that every context it opens carries CSP_LISTENER and records the
    console's CSP messages; violations() also reads what is still in the open pages, so a test fails
    on any violation in any page it opened (the browser fixture below)."""

    def __init__(self, browser):
        self._browser = browser
        self.contexts = []
        self.reported = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        context.expose_binding("__cspReport", lambda source, text: self.reported.append(f"{source['frame'].url}: {text}"))
        context.add_init_script(CSP_LISTENER)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def new_page(self, *args, **kwargs):
        # Playwright's browser.new_page opens a context of its own: it goes through new_context too.
        return self.new_context(*args, **kwargs).new_page()

    def _watch(self, page):
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message):
        if "Content Security Policy" in message.text:
            self.reported.append(f"{page.url}: console: {message.text}")

    def violations(self):
        found = list(self.reported)
        for context in self.contexts:
            try:
                pages = list(context.pages)
            except Exception:  # a context the test has closed
                continue
            for page in pages:
                for frame in page.frames:
                    try:
                        for text in frame.evaluate("window.__cspViolations || []"):
                            if not any(text in seen for seen in found):
                                found.append(f"{frame.url}: {text}")
                    except Exception:  # a frame gone or navigating
                        pass
        return found

    def close_contexts(self):
        for context in self.contexts:
            try:
                context.close()
            except Exception:
                pass
        self.contexts.clear()


@pytest.fixture(scope="session")
def _chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser(_chromium):
    """The browser every browser test uses; the test fails on any CSP violation in any of its pages."""
    watched = CSPWatchedBrowser(_chromium)
    yield watched
    violations = watched.violations()
    watched.close_contexts()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser):
    # An English-speaking browser, on purpose: the site must still speak Chinese.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page  # the browser fixture closes the context after reading its CSP violations


@pytest.fixture
def phone(browser):
    """A page on a phone-sized Chromium speaking Chinese (360×740, touch), as candidates and
    inspectors use; `phone.context` is its context (cookies, going offline)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page  # the browser fixture closes the context after reading its CSP violations


# Data migrations whose rows a flushed database has lost, with the function (apps, schema_editor)
# each runs.
REFERENCE_DATA_MIGRATIONS = [
    ("supervision.migrations.0003_product_categories", "create"),
    ("assessment.migrations.0002_knowledge_areas", "create"),
    ("assessment.migrations.0003_default_blueprints", "create"),
    ("supervision.migrations.0016_credit", "seed_rules"),  # the credit rule set v1 (#18)
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests are transactional and start from a flushed database: put back what the
    data migrations made (categories, knowledge areas, blueprints, the credit rules, the home page)."""
    import importlib

    from django.apps import apps

    from cms.services import home_page_ensure

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
    home_page_ensure()


@pytest.fixture
def public_site(reference_data):
    from cms.models import HomePage

    return HomePage.objects.get()
