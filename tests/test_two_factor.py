"""Two factors for staff (issue 15): TOTP through django-otp, enrolment with a QR code drawn on
the server, recovery codes shown once, a logged reset by the bureau's admin; the exam untouched."""

import re

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _enrol(client) -> list[str]:
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    # django-otp throttles after a wrong code (1 s, doubling): the right one, right away, is refused
    # too. The clock stands still between the two posts, so a slow machine cannot let the 1 s pass.
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        assert client.post(reverse("two_factor_setup"), {"token": "000000" if _code(device) != "000000" else "111111"}).status_code == 400
        assert client.post(reverse("two_factor_setup"), {"token": _code(device)}).status_code == 400
    with time_machine.travel(now + timedelta(seconds=5), tick=True):
        device.refresh_from_db()
        response = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302
    codes = re.findall(r"<li><code>(\w+)</code></li>", client.get(response["Location"]).content.decode())
    return codes


def test_an_approver_must_enrol_and_then_gives_the_second_factor_at_each_login(staff, client_for):
    client = client_for(staff.approver_a)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))
    codes = _enrol(client)
    assert len(codes) == 10
    assert "<code>" not in client.get(reverse("two_factor_recovery")).content.decode()  # shown once
    assert client.get("/admin/").status_code == 200
    assert ModelLogEntry.objects.filter(action="supervision.two_factor_enrol").exists()
    # the next login asks for the code; a recovery code works once
    again = client_for(staff.approver_a)
    assert again.get("/admin/plans/")["Location"].startswith(reverse("two_factor_verify"))
    assert again.post(reverse("two_factor_verify"), {"token": "999999"}).status_code == 400
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=True):
        assert again.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/admin/plans/"})["Location"] == "/admin/plans/"
        third = client_for(staff.approver_a)
        assert third.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 400  # used up
    with time_machine.travel(timezone.now() + timedelta(seconds=40), tick=True):
        device = TOTPDevice.objects.get(user=staff.approver_a)
        assert third.post(reverse("two_factor_verify"), {"token": _code(device), "next": "https://evil.example/"})["Location"] == "/admin/"


def test_operators_may_enrol_and_must_only_when_the_setting_says(staff, client_for, settings):
    assert client_for(staff.operator_a).get("/admin/").status_code == 200
    settings.STAFF_2FA_OPERATORS = True
    assert client_for(staff.operator_a).get("/admin/")["Location"].startswith(reverse("two_factor_setup"))
    settings.STAFF_2FA_REQUIRED = False
    assert client_for(staff.approver_a).get("/admin/").status_code == 200


def test_the_exam_and_the_public_site_are_not_affected(staff, client_for):
    client = client_for(staff.approver_a)
    assert client.get(reverse("exam:entry")).status_code == 200


def test_the_bureau_admin_resets_a_lost_authenticator_and_it_is_logged(staff, client_for, tree):
    from supervision.models import StaffProfile
    from tests.factories import make_staff

    _enrol(client_for(staff.approver_a))
    profile = StaffProfile.objects.get(user=staff.approver_a)
    reset = reverse("two_factor_reset", args=[profile.pk])
    assert client_for(staff.operator_a).post(reset).status_code in (302, 403)
    other_admin = make_staff("admin-b", "admin", tree.county_b).user
    other = client_for(other_admin)
    _enrol(other)
    assert other.post(reset).status_code == 404  # another county's colleague
    assert TOTPDevice.objects.filter(user=staff.approver_a).exists()
    admin = client_for(staff.admin_a)
    _enrol(admin)
    page = admin.get(reverse("staff:inspect", args=[profile.pk])).content.decode()
    assert reset in page and "data-confirm" in page
    assert admin.post(reset).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff.approver_a).exists()
    assert not StaticDevice.objects.filter(user=staff.approver_a).exists()
    entry = ModelLogEntry.objects.get(action="supervision.two_factor_reset")
    assert entry.user == staff.admin_a
    assert client_for(staff.approver_a).get("/admin/")["Location"].startswith(reverse("two_factor_setup"))


def test_a_superuser_s_enrolment_is_logged_on_their_account_with_the_actor(db, client_for, django_user_model):
    """Platform admins must enrol too (STAFF_2FA_REQUIRED); with no staff profile, the entry is on
    their user account, with them as the actor."""
    from django.contrib.contenttypes.models import ContentType

    root = django_user_model.objects.create_superuser("root", password="x")
    client = client_for(root)
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))
    assert len(_enrol(client)) == 10
    entry = ModelLogEntry.objects.get(action="supervision.two_factor_enrol")
    assert entry.user == root and entry.content_type == ContentType.objects.get_for_model(django_user_model)
    assert entry.object_id == str(root.pk) and entry.data == {"device": "totp", "recovery_codes": 10}
    assert entry.message  # a registered action: the history shows its label
    assert not ModelLogEntry.objects.filter(action="supervision.two_factor_enrol").exclude(pk=entry.pk).exists()


def test_a_staff_member_s_enrolment_and_its_removal_are_logged_with_each_actor(staff, client_for, django_user_model):
    from supervision.models import StaffProfile

    _enrol(client_for(staff.approver_a))
    profile = StaffProfile.objects.get(user=staff.approver_a)
    enrol = ModelLogEntry.objects.get(action="supervision.two_factor_enrol")
    assert enrol.user == staff.approver_a and enrol.object_id == str(profile.pk) and enrol.data["recovery_codes"] == 10
    root = django_user_model.objects.create_superuser("root", password="x")
    root_client = client_for(root)
    _enrol(root_client)
    assert root_client.post(reverse("two_factor_reset", args=[profile.pk])).status_code == 302
    reset = ModelLogEntry.objects.get(action="supervision.two_factor_reset")
    assert reset.user == root and reset.object_id == str(profile.pk) and reset.data == {"devices": 2}  # TOTP + recovery
    assert reset.message
    assert not TOTPDevice.objects.filter(user=staff.approver_a).exists()
