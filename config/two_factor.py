"""Two factors for staff (issue 15): TOTP through django-otp, with recovery codes.

Who must: approvers, bureau admins and platform admins when STAFF_2FA_REQUIRED is on (production's
default); operators too when STAFF_2FA_OPERATORS is on. Anyone may enrol. Once enrolled, a login
is not complete until the second factor is given. Only the console (/admin/) is concerned: the
public site and the exam are not affected."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# The icon sprite too: the admin's scripts fetch it on every page, the verify page included, and a
# redirect of that fetch once made the sprite the page to return to after the code.
EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/2fa/", "/admin/jsi18n/", "/admin/password_reset/", "/admin/sprite/")


def two_factor_required(user) -> bool:
    if not getattr(settings, "STAFF_2FA_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from supervision.models import StaffRole
    from supervision.scoping import staff_profile_of

    profile = staff_profile_of(user)
    if profile is None:
        return False
    if profile.role in (StaffRole.APPROVER, StaffRole.ADMIN):
        return True
    return profile.role == StaffRole.OPERATOR and getattr(settings, "STAFF_2FA_OPERATORS", False)


def has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a console request of a user who has a device but has not
    given it this session goes to the verify page; one who must enrol goes to the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/") and not path.startswith(EXEMPT_PREFIXES)
            and user is not None and user.is_authenticated and not user.is_verified()
        ):
            query = urlencode({"next": request.get_full_path()})
            if has_device(user):
                return redirect(f"{reverse('two_factor_verify')}?{query}")
            if two_factor_required(user):
                return redirect(f"{reverse('two_factor_setup')}?{query}")
        return self.get_response(request)
