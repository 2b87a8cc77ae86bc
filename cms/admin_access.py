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


# The URL parameters through which Wagtail's page views name a page (its own, its parent, the
# destination of a move), and the query parameters of its bulk actions and choosers.
PAGE_URL_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
PAGE_PK_URL_NAMES = ("wagtailadmin_pages:revisions_compare", "wagtailadmin_api:detail", "wagtailadmin_api:action")
PAGE_QUERY_PARAMS = ("id", "childOf", "child_of")


def _named_page_ids(request, view_kwargs) -> set[int]:
    match = request.resolver_match
    names = [view_kwargs.get(k) for k in PAGE_URL_KWARGS]
    if match is not None and match.view_name in PAGE_PK_URL_NAMES:
        names.append(view_kwargs.get("pk"))
    if match is not None and (match.url_name == "wagtail_bulk_action" and view_kwargs.get("model_name") == "page"
                              or match.namespace in ("wagtailadmin_api", "wagtailadmin_pages")):
        for param in PAGE_QUERY_PARAMS:
            names += request.GET.getlist(param)
    return {int(n) for n in names if n is not None and str(n).isdigit()}


class BureauPagesMiddleware:
    """Another bureau's page (and what hangs on it: its drafts, revisions, workflow, children in
    the chooser, moves and bulk actions) is a 404 to a bureau's staff before any Wagtail view runs.

    Wagtail's own permission checks refuse the action but some views name the page first: the bulk
    actions' confirmation lists the titles it refuses, the page chooser lists any page's children,
    the move confirmation and the workflow views put the title in the page or in a message. Found
    by tests/test_admin_endpoint_walk.py. The platform's own pages (home, regulations, the results
    index) stay reachable: Wagtail's permissions decide there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The path first: outside the admin, `request.user` is never touched (the exam's save
        # endpoint costs one statement and must not load a session).
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_superuser:
            return None
        ids = _named_page_ids(request, view_kwargs)
        if ids and not pages_in_scope(ids, user):
            raise Http404
        if not media_in_scope(request, view_kwargs, user):
            raise Http404
        return None


# The URL parameters through which Wagtail's image and document views (and their choosers) name
# the object, by URL namespace; the choosers' chosen-multiple view takes `?id=`.
MEDIA_URL_KWARGS = {
    "wagtailimages": ("image", ("image_id",)),
    "wagtailimages_chooser": ("image", ("image_id", "pk")),
    "wagtaildocs": ("document", ("document_id", "doc_id")),
    "wagtaildocs_chooser": ("document", ("pk",)),
}


def media_in_scope(request, view_kwargs, user) -> bool:
    """False when the URL names an image or a document outside every collection the user holds a
    permission on (another bureau's, or the platform's root collection): Wagtail would answer with
    its permission-denied redirect, we answer 404 like every other object of another county."""
    match = request.resolver_match
    kind = MEDIA_URL_KWARGS.get(match.namespace) if match is not None else None
    if kind is None:
        return True
    model_kind, kwargs = kind
    names = [view_kwargs.get(k) for k in kwargs] + request.GET.getlist("id")
    ids = {int(n) for n in names if n is not None and str(n).isdigit()}
    if not ids:
        return True
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    model = get_image_model() if model_kind == "image" else get_document_model()
    reachable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["add", "change", "choose"])
    return not model.objects.filter(pk__in=ids).exclude(pk__in=reachable.values("pk")).exists()


def pages_in_scope(ids: set[int], user) -> bool:
    """False when one of the pages belongs to a bureau outside the user's jurisdiction."""
    from wagtail.models import Page

    from supervision.scoping import user_jurisdiction

    from .models import BureauPage

    own = user_jurisdiction(user)
    paths = list(Page.objects.filter(pk__in=ids).values_list("path", flat=True))
    if not paths:
        return True
    step = Page.steplen
    ancestors = {path[:length] for path in paths for length in range(step, len(path) + 1, step)}
    for bureau_path in BureauPage.objects.filter(path__in=ancestors).values_list("jurisdiction__path", flat=True):
        if own is None or not bureau_path.startswith(own.path):
            return False
    return True
