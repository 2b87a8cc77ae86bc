"""Deleting what others still refer to is a Chinese message and nothing deleted, never a 500
(issue 15: seven superuser deletes of protected objects were 500s)."""

import pytest
from django.urls import reverse

from assessment.models import Blueprint, SamplingPlan
from supervision.models import ProductionUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model, client_for):
    return client_for(django_user_model.objects.create_superuser("root", password="x"))


def _delete(client, name, obj):
    url = reverse(f"{name}:delete", args=[obj.pk])
    assert client.get(url).status_code == 200
    return client.post(url, follow=True)


def test_protected_deletes_are_refused_with_a_message(root, staff, tree):
    from supervision.models import OrderSource
    from supervision.services.enforcement import ART_5_17, order_issue

    unit = ProductionUnit.objects.create(county=tree.county_a, name="余杭测试厂", uscc="91330110MA2H000002", address="余杭区")
    order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全总监", legal_basis=ART_5_17, source_kind=OrderSource.REGISTER)
    blueprint = Blueprint.objects.first()
    SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="计划", roles=["director"],
                                created_by=staff.operator_a, director_blueprint=blueprint)
    for name, obj in (("units", unit), ("blueprints", blueprint)):
        response = _delete(root, name, obj)
        assert response.status_code == 200, name
        assert "不能删除" in response.content.decode(), name
        assert type(obj).objects.filter(pk=obj.pk).exists()
    # what nothing refers to is still deleted
    spare = ProductionUnit.objects.create(county=tree.county_a, name="空壳厂", uscc="91330110MA2H000003", address="余杭区")
    _delete(root, "units", spare)
    assert not ProductionUnit.objects.filter(pk=spare.pk).exists()


def test_an_incomplete_page_copy_is_a_message_not_a_500(root):
    from cms.services import home_page_ensure

    home = home_page_ensure()
    for data in ({}, {"new_title": "副本"}, {"new_title": "副本", "new_slug": "copy", "new_parent_page": "999999"},
                 {"new_title": "副本", "new_slug": "copy", "new_parent_page": "x"}):
        response = root.post(f"/admin/pages/{home.pk}/copy/", data)
        assert response.status_code == 302 and response["Location"].endswith("/copy/"), data
    assert root.get(f"/admin/pages/{home.pk}/copy/").status_code == 200
