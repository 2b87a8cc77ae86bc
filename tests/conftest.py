import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import ROLES, make_staff, make_tree  # noqa: E402


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def staff(tree):
    """One staff member per role: county A's operator, approver and admin, county B's operator,
    and the city's overseer."""

    class Staff:
        operator_a = make_staff("op-a", ROLES.OPERATOR, tree.county_a).user
        approver_a = make_staff("ap-a", ROLES.APPROVER, tree.county_a).user
        admin_a = make_staff("ad-a", ROLES.ADMIN, tree.county_a).user
        operator_b = make_staff("op-b", ROLES.OPERATOR, tree.county_b).user
        overseer = make_staff("ov-city", ROLES.OVERSEER, tree.city).user

    return Staff


@pytest.fixture
def client_for(client):
    """A logged-in test client for the given user (fresh client per call)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def holiday_schedule_entered(request):
    """The platform administrator has entered the State Council's schedule for every year up to
    next year that the pinned `chinesecalendar` does not carry yet (test data: 元旦 and 国庆 only).
    Without it, a test that issues a prior notice at the real date would fail each late December,
    when the notice's working-day period (行政处罚法 Art. 85) reaches the new year. Tests of the
    refusal itself delete these rows first; browser tests start from a flushed database."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if request.node.get_closest_marker("browser") or not (marker or {"db", "transactional_db"} & names):
        yield
        return
    transactional = "transactional_db" in names or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.utils import timezone

    from supervision.models import HolidaySchedule
    from supervision.workdays import package_covers

    for year in range(timezone.localdate().year, timezone.localdate().year + 2):
        if not package_covers(year):
            HolidaySchedule.objects.get_or_create(year=year, defaults={
                "source": f"测试数据（{year}年）", "holidays": f"{year}-01-01\n{year}-10-01..{year}-10-07", "workdays": "",
            })
    yield
