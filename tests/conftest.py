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
