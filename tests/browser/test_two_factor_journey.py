"""Two factors in a real browser (issue 15): an approver logs in, is sent to enrol, "scans" the
code (the test computes the TOTP from the key the page shows, as the phone would), confirms, sees
the recovery codes, logs out; at the next login the code is asked for, a wrong one is refused in
Chinese and the right one lets them in."""

from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp

from tests.factories import PASSWORD, make_staff, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _code(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def _login(page, base):
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", "yh-ap")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_an_approver_enrols_logs_out_and_gives_the_code_at_the_next_login(live_server, page, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import ModelLogEntry

    settings.STAFF_2FA_REQUIRED = True
    tree = make_tree()
    make_staff("yh-ap", "approver", tree.county_a, full_name="李审核")
    base = live_server.url

    _login(page, base)
    page.wait_for_url("**/admin/2fa/setup/**")
    assert page.get_by_role("heading", name="设置双因素认证").first.is_visible()
    assert page.locator(".zl-qr svg").count() >= 1  # drawn on the server, no QR service
    secret = page.locator(".zl-secret").first.inner_text().strip()
    page.locator(".zl-two-factor input[name=token]").first.fill(_code(secret))
    page.click(".zl-two-factor button[type=submit]")
    page.wait_for_url("**/admin/2fa/recovery/**")
    assert page.locator("li code").count() == 10
    assert TOTPDevice.objects.get(user__username="yh-ap").confirmed
    assert ModelLogEntry.objects.filter(action="supervision.two_factor_enrol", user__username="yh-ap").exists()
    page.goto(f"{base}/admin/")
    assert "/admin/2fa/" not in page.url

    # Log out as the account menu's form does: a POST with the CSRF token, from this browser.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    assert page.request.post(f"{base}/admin/logout/", headers={"X-CSRFToken": csrf, "Referer": f"{base}/admin/"}).ok
    page.goto(f"{base}/admin/")
    page.wait_for_url("**/admin/login/**")

    # A later time step: django-otp accepts each code once.
    with time_machine.travel(timezone.now() + timedelta(seconds=35), tick=True):
        _login(page, base)
        page.wait_for_url("**/admin/2fa/verify/**")
        right = _code(secret)
        page.locator(".zl-two-factor input[name=token]").first.fill("000000" if right != "000000" else "111111")
        page.click(".zl-two-factor button[type=submit]")
        assert "验证码不正确" in page.locator(".zl-two-factor .error-message").inner_text()
        assert "/admin/2fa/verify/" in page.url
    # django-otp's throttle after a wrong code: one second, doubling; then the code shown now.
    with time_machine.travel(timezone.now() + timedelta(seconds=70), tick=True):
        page.locator(".zl-two-factor input[name=token]").first.fill(_code(secret))
        page.click(".zl-two-factor button[type=submit]")
        page.wait_for_url(f"{base}/admin/")
        assert "李审核" in page.content() or "余杭区" in page.content()
        page.goto(f"{base}/admin/plans/")
        assert "/admin/2fa/" not in page.url
