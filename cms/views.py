from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.views import chooser
from wagtail.models import Page

from assessment.models import PlanPurpose, SamplingPlan
from supervision.authorization import requires
from supervision.scoping import get_in_scope_or_404

from .selectors import page_chooser_search
from .services import inspection_results_publish, results_publish, results_rectification_refresh


@requires("plan.change")
def publish_results_view(request, plan_pk: int):
    plan = get_in_scope_or_404(SamplingPlan.objects.select_related("jurisdiction"), user=request.user, pk=plan_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        publish = inspection_results_publish if plan.purpose == PlanPurpose.INSPECTION else results_publish
        page = publish(actor=request.user, plan=plan, reason=request.POST.get("reason", ""))
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("A results page was drafted and sent to the approvers. It goes live when an approver approves it."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect("plans:inspect", plan.pk)


@requires("plan.change")
def refresh_rectification_view(request, plan_pk: int):
    plan = get_in_scope_or_404(SamplingPlan.objects.select_related("jurisdiction"), user=request.user, pk=plan_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        page = results_rectification_refresh(actor=request.user, plan=plan)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect("plans:inspect", plan.pk)
    messages.success(request, _("A new revision with the rectification statuses was sent to the approvers."))
    return redirect("wagtailadmin_pages:edit", page.pk)


class PageChooserSearchView(chooser.SearchView):
    """Wagtail's page chooser search (the modal of page and link choosers), answering at the same
    address (config/urls.py): scoped to what the user may choose (`pages_choosable_by`; Wagtail's
    searched every page of the site, another bureau's drafts included) and matching substrings, so
    Chinese titles are found by any part of them."""

    def get(self, request):
        self.i18n_enabled = False
        self.is_multiple_choice = request.GET.get("multiple")
        page_type_string = request.GET.get("page_type") or chooser.base_page_type_string
        try:
            desired_classes = chooser.page_models_from_string(page_type_string)
        except (ValueError, LookupError) as e:
            raise Http404 from e
        search_form = SearchForm(request.GET)
        if search_form.is_valid() and search_form.cleaned_data["q"]:
            pages = Page.objects.exclude(depth=1).type(*desired_classes)
            pages = page_chooser_search(user=request.user, pages=pages, query=search_form.cleaned_data["q"]).specific()
        else:
            pages = Page.objects.none()
        pages = Paginator(pages, per_page=25).get_page(request.GET.get("p"))
        for page in pages:
            page.can_choose = True
            page.is_parent_page = False
        table = chooser.PageChooserTable(self.columns, pages, show_locale_labels=False)
        return TemplateResponse(request, "wagtailadmin/chooser/_search_results.html", chooser.shared_context(request, {
            "searchform": search_form, "table": table, "pages": pages, "page_type_string": page_type_string,
        }))


page_chooser_search_view = never_cache(require_admin_access(PageChooserSearchView.as_view()))
