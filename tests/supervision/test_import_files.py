"""An import's uploaded file is served only through the checked view (issue 15): it is kept in the
database (never under MEDIA_ROOT, so no /media/ URL reaches it), another county's file is a 404,
an anonymous request goes to the login, and the bureau's own file downloads under a name of ours."""

import pytest
from django.test import Client
from django.urls import reverse

from supervision.fake_register import person_rows, unit_rows
from supervision.models import ImportJob, ImportStatus
from supervision.services.import_jobs import import_job_confirm, import_job_create
from tests.factories import ROLES, import_units, make_staff, person_file, unit_file

pytestmark = pytest.mark.django_db

HOSTILE_NAME = 'x"; filename="evil.html\r\nSet-Cookie: a=b; .csv'


@pytest.fixture
def job(staff, tree):
    return import_job_create(actor=staff.operator_a, kind="units", filename=HOSTILE_NAME,
                             data=unit_file(unit_rows(2, [tree.county_a.code], seed=881)))


def test_the_own_county_s_file_downloads_as_an_attachment_under_a_safe_name(job, staff, client_for):
    response = client_for(staff.operator_a).get(reverse("imports:file", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bytes(job.data)
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="import-units-{job.pk}.csv"'
    assert "evil" not in disposition and "\r" not in disposition and "Set-Cookie" not in str(response.headers)
    assert response["Content-Type"].startswith("text/csv") and response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "sandbox" in response["Content-Security-Policy"]
    page = client_for(staff.operator_a).get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert reverse("imports:file", args=[job.pk]) in page
    # the city's overseer reads the counties below
    assert client_for(staff.overseer).get(reverse("imports:file", args=[job.pk])).status_code == 200


def test_an_xlsx_import_downloads_as_an_xlsx_attachment(staff, tree, client_for):
    job = import_job_create(actor=staff.operator_a, kind="units", filename="units.xlsx",
                            data=unit_file(unit_rows(2, [tree.county_a.code], seed=882), fmt="xlsx"))
    response = client_for(staff.operator_a).get(reverse("imports:file", args=[job.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="import-units-{job.pk}.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_another_county_s_import_file_is_a_404_and_anonymous_goes_to_the_login(job, staff, tree, client_for):
    url = reverse("imports:file", args=[job.pk])
    for user in (staff.operator_b, make_staff("ap-b", ROLES.APPROVER, tree.county_b).user, make_staff("ov-nb", ROLES.OVERSEER, tree.other_city).user):
        assert client_for(user).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("wagtailadmin_login"))
    assert client_for(staff.operator_b).get(reverse("imports:file", args=[999_999])).status_code == 404


def test_no_media_url_serves_an_import_file(job, staff, client_for):
    """The file is a database column, not a stored file: nothing under /media/ answers for it."""
    assert ImportJob._meta.get_field("data").get_internal_type() == "BinaryField"
    client = client_for(staff.operator_a)
    for path in (f"/media/imports/{job.pk}", "/media/imports/units.csv", f"/media/{HOSTILE_NAME}"):
        assert client.get(path, follow=True).status_code == 404


def test_the_file_is_gone_once_the_import_is_done(staff, tree, client_for):
    rows = unit_rows(2, [tree.county_a.code], seed=883)
    assert import_units(rows, tree.county_a).ok
    job = import_job_create(actor=staff.operator_a, kind="personnel", filename="people.csv", data=person_file(person_rows(rows, seed=884)))
    job.refresh_from_db()  # the check ran as a task
    assert job.status == ImportStatus.READY
    assert client_for(staff.operator_a).get(reverse("imports:file", args=[job.pk])).status_code == 200
    assert import_job_confirm(actor=staff.operator_a, job=job).status == ImportStatus.DONE
    assert client_for(staff.operator_a).get(reverse("imports:file", args=[job.pk])).status_code == 404
