"""Every console URL of ours, walked for every role (issue 2, "Must show").

The walk takes the URL patterns from Wagtail's registry of our viewsets, so a viewset added later
is walked too; `OUT_OF_SCOPE_OBJECTS` must then say how to make one of its objects in county B."""

import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets as viewset_registry

from supervision.models import Jurisdiction, StaffProfile

OUR_APPS = {"supervision", "assessment", "cms"}

# model label -> function(tree, staff) returning an object of county B (outside county A).
OUT_OF_SCOPE_OBJECTS = {
    "supervision.jurisdiction": lambda tree, staff: tree.county_b,
    "supervision.staffprofile": lambda tree, staff: StaffProfile.objects.get(user=staff.operator_b),
}
# Views that change data: an overseer must never reach them.
WRITE_VIEWS = {"edit", "delete", "add", "copy"}


def our_viewsets():
    reverse("wagtailadmin_home")  # loads the admin URLconf, which registers the viewsets
    return [
        vs for vs in viewset_registry.viewsets
        if hasattr(getattr(vs, "model", None), "_meta") and vs.model._meta.app_label in OUR_APPS
    ]


def object_urls(viewset, obj):
    """(view name, url) for every URL of the viewset that takes an object's pk."""
    urls = []
    for pattern in viewset.get_urlpatterns():
        if "pk" in pattern.pattern.converters:
            urls.append((pattern.name, reverse(f"{viewset.url_namespace}:{pattern.name}", args=[obj.pk])))
    return urls


def list_urls(viewset):
    return [
        (p.name, reverse(f"{viewset.url_namespace}:{p.name}"))
        for p in viewset.get_urlpatterns() if not p.pattern.converters
    ]


def test_every_scoped_viewset_is_covered():
    labels = {vs.model._meta.label_lower for vs in our_viewsets()}
    assert labels, "no console viewsets registered"
    assert labels <= set(OUT_OF_SCOPE_OBJECTS), f"add to OUT_OF_SCOPE_OBJECTS: {labels - set(OUT_OF_SCOPE_OBJECTS)}"


@pytest.mark.django_db
def test_county_operator_gets_404_for_the_neighbouring_countys_objects(staff, tree, client_for):
    client = client_for(staff.operator_a)
    walked = 0
    for viewset in our_viewsets():
        obj = OUT_OF_SCOPE_OBJECTS[viewset.model._meta.label_lower](tree, staff)
        for name, url in object_urls(viewset, obj):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url
            walked += 1
    assert walked >= 4


@pytest.mark.django_db
def test_county_operator_lists_exclude_the_neighbouring_county(staff, tree, client_for):
    client = client_for(staff.operator_a)
    response = client.get(reverse("jurisdictions:index"))
    assert response.status_code == 200
    assert "余杭区" in response.content.decode()
    assert "临平区" not in response.content.decode()
    response = client.get(reverse("staff:index"))
    assert "op-b" not in response.content.decode()


@pytest.mark.django_db
def test_city_overseer_sees_both_counties_and_can_edit_nothing(staff, tree, client_for):
    client = client_for(staff.overseer)
    for viewset in our_viewsets():
        for county_obj in (
            OUT_OF_SCOPE_OBJECTS[viewset.model._meta.label_lower](tree, staff),
            tree.county_a if viewset.model is Jurisdiction else StaffProfile.objects.get(user=staff.operator_a),
        ):
            for name, url in object_urls(viewset, county_obj):
                if name in WRITE_VIEWS:
                    assert client.get(url).status_code in (302, 403, 404), url
                    assert client.post(url, {}).status_code in (302, 403, 404), url
                else:
                    assert client.get(url).status_code == 200, url
    page = client.get(reverse("jurisdictions:index")).content.decode()
    assert "余杭区" in page and "临平区" in page and "宁波市" not in page
    # Nothing changed, whatever the overseer posted.
    assert StaffProfile.objects.get(user=staff.operator_b).role == "operator"


@pytest.mark.django_db
def test_overseer_cannot_edit_even_with_change_permission(staff, tree, client_for):
    """The read-only rule holds on top of permissions: a group misconfigured by hand changes nothing."""
    from django.contrib.auth.models import Permission

    staff.overseer.user_permissions.add(Permission.objects.get(codename="change_staffprofile"))
    client = client_for(staff.overseer)
    profile = StaffProfile.objects.get(user=staff.operator_b)
    url = reverse("staff:edit", args=[profile.pk])
    response = client.post(url, {"jurisdiction": tree.county_b.pk, "role": "admin", "enforcement_cert_no": ""})
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.role == "operator"


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(staff, tree, client):
    for viewset in our_viewsets():
        obj = OUT_OF_SCOPE_OBJECTS[viewset.model._meta.label_lower](tree, staff)
        for name, url in [*list_urls(viewset), *object_urls(viewset, obj)]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("wagtailadmin_login")), url
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_every_list_answers_for_every_role(staff, client_for):
    for user in (staff.operator_a, staff.approver_a, staff.admin_a, staff.overseer):
        client = client_for(user)
        for viewset in our_viewsets():
            response = client.get(reverse(f"{viewset.url_namespace}:index"))
            assert response.status_code == 200, (user.username, viewset)
