"""Staff login throttles that a stranger cannot turn against a real user (issue 15).

django-axes keeps its lock per username + client address (5 wrong passwords, 15 minutes): someone
typing at a colleague's username from another machine locks only themselves. This guard, the
first authentication backend, adds what axes cannot express with one failure limit, counted from
axes's own failure log (AccessFailureLog, in the database, so every web process sees the same):

- per address, a much higher limit (STAFF_LOGIN_ADDRESS_FAILURES in STAFF_LOGIN_WINDOW_SECONDS):
  an office behind one NAT does not reach it, a script does;
- password spraying: failures for STAFF_LOGIN_SPRAY_USERNAMES different usernames from one address
  in the window refuse that address, even for a right password (the superuser included);
- per username, from anywhere: after STAFF_LOGIN_USERNAME_FAILURES failures in the window each
  further try waits a delay that doubles (15 s, 30 s, ... up to STAFF_LOGIN_MAX_DELAY_SECONDS) after
  the last failure; no lock-out, no captcha: the real user gets in once the delay has passed.

A refusal is not itself recorded as a failure (request.axes_locked_out tells axes so), so it
never prolongs a delay; axes's middleware then answers with the lock-out page."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .client_address import client_address


def _failures():
    from axes.models import AccessFailureLog

    since = timezone.now() - timedelta(seconds=settings.STAFF_LOGIN_WINDOW_SECONDS)
    return AccessFailureLog.objects.filter(attempt_time__gte=since)


def username_delay_seconds(failures: int) -> int:
    """The wait after the last failure once a username has had `failures` in the window."""
    over = failures - settings.STAFF_LOGIN_USERNAME_FAILURES
    if over < 0:
        return 0
    return min(settings.STAFF_LOGIN_MAX_DELAY_SECONDS, 15 * 2 ** min(over, 16))


def refusal(request, username: str | None) -> str | None:
    """Why a login from this request must be refused now, or None."""
    address = client_address(request)
    from_address = _failures().filter(ip_address=address)
    if from_address.count() >= settings.STAFF_LOGIN_ADDRESS_FAILURES:
        return _("Too many failed logins from this network. Try again in an hour, or ask the platform administrator.")
    if from_address.values("username").distinct().count() >= settings.STAFF_LOGIN_SPRAY_USERNAMES:
        return _("Failed logins for many different accounts came from this network; logins from it are paused for an hour.")
    if username:
        for_user = _failures().filter(username=username)
        count = for_user.count()
        delay = username_delay_seconds(count)
        if delay:
            last = for_user.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
            wait = (last + timedelta(seconds=delay) - timezone.now()).total_seconds()
            if wait > 0:
                return _("This account has had many wrong passwords. Wait %(seconds)s seconds before trying again.") % {"seconds": math.ceil(wait)}
    return None


class StaffLoginGuard:
    """An authentication backend that only refuses: it never authenticates anyone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        reason = refusal(request, username)
        if reason is not None:
            request.axes_locked_out = True  # axes: do not count this try, answer with the lock-out page
            request.staff_login_refusal = reason
            raise PermissionDenied(reason)
        return None
    # No get_user: the guard never holds a session (Django's force_login and session loading skip it).
