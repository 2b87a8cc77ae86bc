"""Wagtail's own admin views that list every county's objects, reserved to platform admins.

Wagtail's reports (site history with its exports, workflows, workflow tasks, aging pages, page
types usage, locked pages), its admin API and the form submissions list pages and log entries
across the whole site, with no notion of a bureau. Until each is scoped to the user's subtree,
they answer only a superuser; anyone else gets a 404, as for any object outside their
jurisdiction (DESIGN.md §5), so nothing confirms what exists."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

# Below the admin's root; each prefix closes the view and everything under it (filters, exports
# and detail URLs included).
PLATFORM_ADMIN_PREFIXES = ("reports/", "api/", "forms/")


def platform_admin_only_path(path: str) -> bool:
    admin_root = reverse("wagtailadmin_home")
    if not path.startswith(admin_root):
        return False
    return path[len(admin_root):].startswith(PLATFORM_ADMIN_PREFIXES)


class PlatformAdminOnlyMiddleware:
    """Answers 404 to anyone but an active superuser on `PLATFORM_ADMIN_PREFIXES`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if platform_admin_only_path(request.path_info):
            user = getattr(request, "user", None)
            if not (user is not None and user.is_active and user.is_superuser):
                raise Http404
        return self.get_response(request)
