from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessment.models import SamplingPlan
from supervision.authorization import requires
from supervision.scoping import get_in_scope_or_404

from .services import results_publish, results_rectification_refresh


@requires("plan.change")
def publish_results_view(request, plan_pk: int):
    plan = get_in_scope_or_404(SamplingPlan.objects.select_related("jurisdiction"), user=request.user, pk=plan_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        page = results_publish(actor=request.user, plan=plan, reason=request.POST.get("reason", ""))
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
