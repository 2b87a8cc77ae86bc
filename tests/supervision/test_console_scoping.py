"""Every console URL of ours, walked for every role (issue 2, "Must show").

The walk takes the URL patterns from Wagtail's registry of our viewsets, so a viewset added later
is walked too; `_county_objects` must then say how to make one of its objects in a county."""

import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets as viewset_registry

from supervision.models import StaffProfile

OUR_APPS = {"supervision", "assessment", "cms"}
# Reference data shared by all jurisdictions: not scoped, on purpose.
# The holiday schedules are national, and only superusers hold their permissions.
UNSCOPED = {"supervision.productcategory", "assessment.question", "assessment.blueprint", "supervision.holidayschedule"}


def _county_objects(tree, staff, county, operator):
    """One object of each scoped model in `county`, made through the real services."""
    from supervision.fake_register import person_rows, unit_rows
    from supervision.models import ImportJob, Person, ProductionUnit
    from supervision.services.import_jobs import import_job_create
    from tests.factories import import_people, import_units, make_legal_settings, unit_file

    rows = unit_rows(1, [county.code], seed=county.pk)
    assert import_units(rows, county).ok
    assert import_people(person_rows(rows, seed=county.pk), county).ok
    unit = ProductionUnit.objects.get(uscc=rows[0]["统一社会信用代码"])
    job = import_job_create(actor=operator, kind="units", filename="u.csv", data=unit_file(rows))
    from assessment.models import SamplingPlan

    plan = SamplingPlan.objects.create(jurisdiction=county, year=2026, title=f"{county.name}计划", roles=["director"], created_by=operator)
    from assessment.models import ConflictDeclaration

    conflict = ConflictDeclaration.objects.create(staff=StaffProfile.objects.get(user=operator), unit=unit, reason="亲属")
    from supervision.models import OrderSource
    from supervision.services.enforcement import order_issue

    order = order_issue(actor=operator, unit=unit, reason="x", legal_basis="y", source_kind=OrderSource.REGISTER)
    decision = order.decisions.get(kind="warning")  # Art. 17: given with the order
    return {
        "supervision.rectificationorder": order,
        "supervision.penaltydecision": decision,
        "supervision.bureaulegalsettings": make_legal_settings(county),
        "assessment.conflictdeclaration": conflict,
        "assessment.samplingplan": plan,
        "supervision.jurisdiction": county,
        "supervision.staffprofile": StaffProfile.objects.get(user=operator),
        "supervision.productionunit": unit,
        "supervision.person": Person.objects.filter(unit=unit).first(),
        "supervision.importjob": ImportJob.objects.get(pk=job.pk),
    }


@pytest.fixture
def objects(tree, staff):
    """model label -> (county A's object, county B's object)."""
    a = _county_objects(tree, staff, tree.county_a, staff.operator_a)
    b = _county_objects(tree, staff, tree.county_b, staff.operator_b)
    return {label: (a[label], b[label]) for label in a}


# Views that change data: an overseer must never reach them.
WRITE_VIEWS = {
    "edit", "delete", "add", "copy", "reveal", "confirm", "action", "withdraw", "session_create",
    "session_tickets", "session_examiners", "ticket_reissue", "ticket_action", "close", "status", "orders",
}
# Views every reader of the object gets.
READ_VIEWS = {"inspect", "history", "history_results", "usage"}
# Example values for URL arguments other than the object's pk.
OBJECT_URL_ARGS = {"action": "submit", "session_pk": 1, "selection_pk": 1, "ticket_pk": 1}
# ticket_action's "action" is one of its own.
ACTION_FOR = {"ticket_action": "extend", "action": "verify"}


def our_viewsets():
    reverse("wagtailadmin_home")  # loads the admin URLconf, which registers the viewsets
    return [
        vs for vs in viewset_registry.viewsets
        if hasattr(getattr(vs, "model", None), "_meta") and vs.model._meta.app_label in OUR_APPS
        and vs.model._meta.label_lower not in UNSCOPED
    ]


def object_urls(viewset, obj):
    """(view name, url) for every URL of the viewset that takes an object's pk."""
    urls = []
    for pattern in viewset.get_urlpatterns():
        converters = pattern.pattern.converters
        if "pk" in converters:
            kwargs = {name: OBJECT_URL_ARGS.get(name, obj.pk) for name in converters}
            if "action" in kwargs and pattern.name in ACTION_FOR and viewset.url_namespace != "plans":
                kwargs["action"] = ACTION_FOR[pattern.name]
            kwargs["pk"] = obj.pk
            urls.append((pattern.name, reverse(f"{viewset.url_namespace}:{pattern.name}", kwargs=kwargs)))
    return urls


# Example arguments for list-level URLs that take some.
URL_ARGS = {"file_format": "xlsx", "kind": "units"}


def list_urls(viewset):
    return [
        (p.name, reverse(f"{viewset.url_namespace}:{p.name}", kwargs={k: URL_ARGS[k] for k in p.pattern.converters}))
        for p in viewset.get_urlpatterns() if "pk" not in p.pattern.converters
    ]


def test_every_scoped_viewset_is_covered(objects):
    labels = {vs.model._meta.label_lower for vs in our_viewsets()}
    assert labels, "no console viewsets registered"
    assert labels <= set(objects), f"add to _county_objects: {labels - set(objects)}"
    for label, model in ((vs.model._meta.label_lower, vs.model) for vs in our_viewsets()):
        assert hasattr(model, "scope_path_lookup"), label


@pytest.mark.django_db
def test_county_operator_gets_404_for_the_neighbouring_countys_objects(staff, tree, objects, client_for):
    client = client_for(staff.operator_a)
    walked = 0
    for viewset in our_viewsets():
        obj = objects[viewset.model._meta.label_lower][1]
        for name, url in object_urls(viewset, obj):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url
            walked += 1
    assert walked >= 20


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
def test_city_overseer_sees_both_counties_and_can_edit_nothing(staff, tree, objects, client_for):
    client = client_for(staff.overseer)
    for viewset in our_viewsets():
        for county_obj in objects[viewset.model._meta.label_lower]:
            for name, url in object_urls(viewset, county_obj):
                if name in WRITE_VIEWS:
                    assert client.get(url).status_code in (302, 403, 404, 405), url
                    assert client.post(url, {}).status_code in (302, 403, 404), url
                elif name in READ_VIEWS:
                    assert client.get(url).status_code == 200, url
                else:
                    assert client.get(url).status_code < 500, url
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
def test_anonymous_user_is_sent_to_login(staff, tree, objects, client):
    for viewset in our_viewsets():
        obj = objects[viewset.model._meta.label_lower][1]
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
