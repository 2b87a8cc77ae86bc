from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from supervision.authorization import may

from .panels import DisclosuresDuePanel, InspectionPublicationPanel
from .selectors import document_servable_to, pages_choosable_by
from .views import publish_results_view, refresh_rectification_view
from .views_disclosure import disclosure_detail_view, disclosure_draft_view, disclosure_index_view, disclosure_withdraw_view


@hooks.register("register_admin_urls")
def register_publish_url():
    return [
        path("publish-results/<int:plan_pk>/", publish_results_view, name="cms_publish_results"),
        path("publish-results/<int:plan_pk>/rectification/", refresh_rectification_view, name="cms_refresh_rectification"),
        path("disclosures/", disclosure_index_view, name="cms_disclosures"),
        path("disclosures/<int:pk>/", disclosure_detail_view, name="cms_disclosure"),
        path("disclosures/<int:pk>/draft/<str:action>/", disclosure_draft_view, name="cms_disclosure_draft"),
        path("disclosures/<int:pk>/withdraw/<str:action>/", disclosure_withdraw_view, name="cms_disclosure_withdraw"),
    ]


class DisclosureMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, "console.read")


@hooks.register("register_publishing_menu_item")
def register_disclosure_menu_item():
    # Under 信息公开 (the publishing menu, supervision/wagtail_hooks.py), beside the site's pages.
    return DisclosureMenuItem(_("Penalty disclosure"), reverse("cms_disclosures"), icon_name="doc-full", order=200)


@hooks.register("insert_global_admin_js")
def initialise_widgets_without_inline_scripts():
    """Makes the calls Wagtail's inline widget scripts would make (static/js/wagtail-csp.js; cms/csp.py)."""
    return format_html('<script src="{}" defer></script>', static("js/wagtail-csp.js"))


@hooks.register("register_log_actions")
def register_cms_log_actions(actions):
    actions.register_action("assessment.results_publish", _("Publish results"), _("Drafted the results page for approval"))
    actions.register_action("inspection.results_publish", _("Publish inspection results"), _("Drafted the inspection results page for approval"))


@hooks.register("construct_main_menu")
def hide_platform_admin_menus(request, menu_items):
    # The reports and the page explorer (which reads the admin API) are reserved to platform
    # admins (cms/admin_access.py); bureau staff reach their pages through 信息公开.
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in {"reports", "explorer"}]


@hooks.register("before_copy_page")
def copy_needs_a_parent(request, page):
    """Wagtail's copy view reads `new_parent_page` before validating its form: a POST without it
    (or with a page that does not exist) was a 500. Answer with the form again and a message."""
    if request.method != "POST":
        return None
    parent = request.POST.get("new_parent_page", "")
    if not parent.isdigit() or not Page.objects.filter(pk=int(parent)).exists():
        messages.error(request, gettext("Choose the page under which the copy goes."))
        return redirect(request.path)
    return None


@hooks.register("construct_page_chooser_queryset")
def choosable_pages_only(pages, request):
    """The chooser's browsing lists a bureau's staff their bureaus' pages and the live shared pages,
    never another bureau's (cms/selectors.py; the search is cms/views.py)."""
    return pages_choosable_by(user=request.user, pages=pages)


@hooks.register("before_serve_document")
def documents_of_public_pages_only(document, request):
    """/documents/<id>/<name>: a document linked from a live public page, or one the user may
    choose; anything else a 404 (cms/selectors.py)."""
    if not document_servable_to(document=document, user=request.user):
        raise Http404


@hooks.register("construct_homepage_panels")
def add_inspection_publication_panel(request, panels):
    if may(request.user, "inspection.read"):
        panels.append(InspectionPublicationPanel(request))


@hooks.register("construct_homepage_panels")
def add_disclosures_due_panel(request, panels):
    # Everyone who reads the console (the overseer included, for the counties below): shown only
    # while a fine is waiting to be public.
    if may(request.user, "console.read"):
        panels.append(DisclosuresDuePanel(request))
