"""Enrolment in, use of and reset of the second factor (config/two_factor.py says who must).

The QR code is drawn here (segno, as inline SVG): the secret never leaves the server for a QR
service. Recovery codes (django-otp's static device) are shown once, on a GET page that forgets
them as it shows them."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.two_factor import has_device, two_factor_required

from ..authorization import requires
from ..models import StaffProfile
from ..scoping import scope_queryset
from ..services.two_factor import two_factor_enrol, two_factor_reset
SESSION_RECOVERY = "two_factor_recovery_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return "/admin/"
    return target


def _token(request) -> str:
    return "".join(request.POST.get("token", "").split())[:16]


@never_cache
def setup_view(request):
    user = request.user
    if has_device(user):
        messages.info(request, _("Two-factor authentication is already set up for your account."))
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_token(_token(request)):
            codes = two_factor_enrol(actor=user, device=device)
            otp_login(request, device)
            request.session[SESSION_RECOVERY] = codes
            return redirect(f"{_recovery_url()}?next={_next(request)}")
        error = _("That code is not right. Check the time on your phone and type the six digits shown now.")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return render(request, "supervision/two_factor_setup.html", {
        "qr": mark_safe(qr), "secret": b32encode(device.bin_key).decode(), "error": error, "next": _next(request),
        "required": two_factor_required(user),
    }, status=400 if error else 200)


def _recovery_url():
    from django.urls import reverse

    return reverse("two_factor_recovery")


@never_cache
def recovery_view(request):
    """The recovery codes, once: a reload shows that they were shown."""
    codes = request.session.pop(SESSION_RECOVERY, None)
    return render(request, "supervision/two_factor_recovery.html", {"codes": codes, "next": _next(request)})


@never_cache
def verify_view(request):
    user = request.user
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_device(user):
        return redirect("two_factor_setup")
    error = None
    if request.method == "POST":
        device = match_token(user, _token(request))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, _("You used a recovery code; %(n)s are left. Set up a new authenticator if your phone is lost.") % {"n": left})
            return redirect(_next(request))
        error = _("That code is not right, or too many wrong codes were typed: wait a little and type the code shown now.")
    return render(request, "supervision/two_factor_verify.html", {"error": error, "next": _next(request)}, status=400 if error else 200)


@requires("two_factor.reset")
def reset_view(request, pk: int):
    """A bureau admin (or a platform admin) clears a colleague's lost authenticator, logged; the
    colleague enrols again at the next login."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = get_object_or_404(scope_queryset(StaffProfile.objects.select_related("user"), user=request.user), pk=pk)
    two_factor_reset(actor=request.user, target=target)
    messages.success(request, _("Two-factor authentication of %(name)s was reset: they set it up again at their next login.") % {"name": target.display_name})
    return redirect("staff:inspect", target.pk)
