"""Request-wide security (issue 15): the request-size cap before a body is read, staff session
limits, the Permissions-Policy header and the Content-Security-Policy (django-csp)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


class SecurityLimitsMiddleware:
    """A request whose declared body passes MAX_REQUEST_BYTES is a 413 before Django reads it; a staff
    session (the console, /admin/) ends STAFF_SESSION_MAX_SECONDS after login or STAFF_SESSION_IDLE_SECONDS after the last
    request (recorded at most once a minute, so a busy console is not a write per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return HttpResponse(status=413)
        # Only the console's requests: reading request.user loads the session, which the exam's save
        # endpoint never does (its signed save pass is its whole state).
        user = getattr(request, "user", None) if request.path.startswith("/admin/") else None
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault("_staff_login_at", now)
            seen_at = request.session.get("_staff_seen_at", now)
            if now - login_at > settings.STAFF_SESSION_MAX_SECONDS or now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
            elif now - seen_at >= 60 or "_staff_seen_at" not in request.session:
                request.session["_staff_seen_at"] = now
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with settings.CONTENT_SECURITY_POLICY, and one exception: a response
    that a view marked X-Frame-Options SAMEORIGIN (Wagtail's preview, shown in the page editor's
    preview panel) may be framed by our own pages, so its frame-ancestors is 'self', not 'none'; and
    Wagtail's admin (/admin/) has the directives of settings.CONTENT_SECURITY_POLICY_ADMIN.
    Wagtail renders a preview by passing a request of its own through the middleware, so the
    response may already carry the policy, with 'none', when it reaches us: that one is amended."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        replace = dict(parts.replace or {})
        if request.path_info.startswith("/admin/"):
            replace.update(settings.CONTENT_SECURITY_POLICY_ADMIN)
        if _same_origin_framing(response):
            replace["frame-ancestors"] = "'self'"
        parts.replace = replace or None
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if _same_origin_framing(response) and HEADER in response:
            response[HEADER] = response[HEADER].replace("frame-ancestors 'none'", "frame-ancestors 'self'")
        return response


def _same_origin_framing(response) -> bool:
    return response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
