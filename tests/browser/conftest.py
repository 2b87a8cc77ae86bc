"""Playwright driving Debian's headless Chromium (never a downloaded browser) against a live server."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # An English-speaking browser, on purpose: the site must still speak Chinese.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# Data migrations whose rows a flushed database has lost; each has a create(apps, schema_editor).
REFERENCE_DATA_MIGRATIONS = [
    "supervision.migrations.0003_product_categories",
    "assessment.migrations.0002_knowledge_areas",
    "assessment.migrations.0003_default_blueprints",
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests are transactional and start from a flushed database: put back what the
    data migrations made (categories, knowledge areas, blueprints, the home page)."""
    import importlib

    from django.apps import apps

    from cms.services import home_page_ensure

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).create(apps, None)
    home_page_ensure()


@pytest.fixture
def public_site(reference_data):
    from cms.models import HomePage

    return HomePage.objects.get()
