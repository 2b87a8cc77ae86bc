"""Wagtail's site-wide reports, admin API and form lists answer only platform admins (issue 15).

The walk takes every URL pattern Wagtail's admin resolves below the reserved prefixes, so a report
or API endpoint added by a later Wagtail release is walked too."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cms.admin_access import PLATFORM_ADMIN_PREFIXES

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _example_path(route: str) -> str:
    """A concrete path for a route: every converter or regex group filled with 1."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def reserved_paths() -> list[str]:
    admin_root = reverse("wagtailadmin_home").lstrip("/")
    reserved = tuple(admin_root + p for p in PLATFORM_ADMIN_PREFIXES)
    return sorted({_example_path(r) for r in _routes(get_resolver().url_patterns) if r.replace("^", "").startswith(reserved)})


def test_the_walk_finds_the_leaking_endpoints():
    paths = reserved_paths()
    for expected in ("/admin/reports/site-history/", "/admin/reports/workflow/", "/admin/reports/workflow_tasks/",
                     "/admin/reports/aging-pages/", "/admin/reports/page-types-usage/", "/admin/api/main/pages/",
                     "/admin/forms/"):
        assert expected in paths


@pytest.mark.parametrize("who", ["operator_a", "approver_a", "admin_a", "operator_b", "overseer"])
def test_reserved_views_are_a_404_for_every_bureau_role(staff, client_for, who):
    client = client_for(getattr(staff, who))
    for path in reserved_paths():
        for query in ("", "?export=csv", "?export=xlsx"):
            response = client.get(path + query)
            assert response.status_code == 404, (path + query, response.status_code)
    assert client.post("/admin/reports/site-history/").status_code == 404


def test_platform_admin_still_reads_the_reports(db, client_for, django_user_model):
    from cms.services import home_page_ensure

    home_page_ensure()
    root = django_user_model.objects.create_superuser("root", password="x")
    client = client_for(root)
    for path in ("/admin/reports/site-history/", "/admin/reports/workflow/", "/admin/api/main/pages/"):
        assert client.get(path).status_code == 200, path


def test_reports_menu_hidden_from_bureau_staff(staff, client_for):
    html = client_for(staff.operator_b).get("/admin/").content.decode()
    assert "/admin/reports/" not in html


def test_the_site_history_csv_export_is_formula_safe(staff, tree, client_for, django_user_model):
    """A unit named like a formula leaves Wagtail's site-history csv as text, as in our own exports."""
    from wagtail.log_actions import log

    from supervision.models import ProductionUnit

    unit = ProductionUnit.objects.create(county=tree.county_a, name='=HYPERLINK("http://evil.example","点击")',
                                         uscc="91330110MA2H000001", address="余杭区")
    log(instance=unit, action="wagtail.edit", user=staff.operator_a)
    root = django_user_model.objects.create_superuser("root", password="x")
    response = client_for(root).get("/admin/reports/site-history/?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "HYPERLINK" in body
    assert ',=HYPERLINK' not in body and '"=HYPERLINK' not in body
    assert "'=HYPERLINK" in body


@pytest.mark.django_db
def test_the_account_page_keeps_beijing_time_and_offers_no_zone_the_browser_rejects(staff, client_for):
    """/admin/account/ listed every zone of the system's zoneinfo, "localtime" among them, which the
    page's script handed to Intl.DateTimeFormat (RangeError). One zone: no choice, no error."""
    html = client_for(staff.operator_a).get(reverse("wagtailadmin_account")).content.decode()
    assert "current_time_zone" not in html and "localtime" not in html
