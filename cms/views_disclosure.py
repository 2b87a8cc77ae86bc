"""行政处罚信息公示 in the console: the fines to disclose (with the day each must be public by), the
drafts waiting for the approvers, the public ones and the withdrawn ones; on a fine's page, the
steps: disclose, withdraw at the period's end, the unit's application for credit repair and the
approver's decision on it. Reads from `supervision.selectors_disclosure`, writes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.authorization import may, requires
from supervision.models import CreditRepairApplication, RepairStatus, WithdrawalGround
from supervision.scoping import get_in_scope_or_404
from supervision.selectors_disclosure import STATES, disclosable_decisions, disclosure_rows, disclosures_filter
from supervision.services import disclosure as disclosure_service

from .services_disclosure import penalty_disclosure_publish

PER_PAGE = 50
STATE_LABELS = {
    "due": gettext_lazy("Not yet disclosed"), "drafted": gettext_lazy("Awaiting approval"),
    "published": gettext_lazy("Public"), "withdrawn": gettext_lazy("Withdrawn"),
}


class RepairApplicationForm(forms.Form):
    applied_on = forms.DateField(label=gettext_lazy("applied on"), widget=forms.DateInput(attrs={"type": "date"}))
    statement = forms.CharField(label=gettext_lazy("the unit's statement"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                help_text=gettext_lazy("What the unit did: the fine paid, the violation corrected, the harm removed."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


@requires("console.read")
def disclosure_index_view(request):
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    query = request.GET.get("q", "").strip()[:60]
    decisions = disclosures_filter(disclosable_decisions(user=request.user), state=state, query=query)
    page = Paginator(decisions, PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(request, "cms/disclosure_index.html", {
        "page_title": _("Penalty disclosure"), "header_title": _("Penalty disclosure"),
        "rows": disclosure_rows(decisions=page.object_list, today=timezone.localdate()), "page_obj": page,
        "state": state, "query": query, "states": [(s, STATE_LABELS[s]) for s in STATES],
    })


def _decision_or_404(request, pk: int):
    return get_in_scope_or_404(disclosable_decisions(user=request.user), user=request.user, pk=pk)


@requires("console.read")
def disclosure_detail_view(request, pk: int, *, forms_with_errors: dict | None = None):
    decision = _decision_or_404(request, pk)
    row = disclosure_rows(decisions=[decision], today=timezone.localdate())[0]
    disclosure = getattr(decision, "disclosure", None)
    applications = list(disclosure.repair_applications.select_related("recorded_by", "decided_by")) if disclosure else []
    forms_with_errors = forms_with_errors or {}
    return TemplateResponse(request, "cms/disclosure_detail.html", {
        "page_title": _("Penalty disclosure"), "header_title": _("Penalty disclosure: %(number)s") % {"number": decision.number},
        "decision": decision, "row": row, "state_label": STATE_LABELS[row.state], "disclosure": disclosure,
        "applications": applications, "pending": next((a for a in applications if a.status == RepairStatus.PENDING), None),
        "may_draft": may(request.user, "disclosure.draft", decision.unit), "may_withdraw": may(request.user, "disclosure.withdraw", decision.unit),
        "period_ended": row.ends_on is not None and timezone.localdate() >= row.ends_on,
        "apply_form": forms_with_errors.get("apply") or RepairApplicationForm(initial={"applied_on": timezone.localdate()}),
        "withdraw_form": forms_with_errors.get("withdraw") or ReasonForm(),
        "decide_form": forms_with_errors.get("decide") or ReasonForm(),
    }, status=400 if forms_with_errors else 200)


def _done(request, pk: int, message: str):
    messages.success(request, message)
    return redirect("cms_disclosure", pk)


def _refused(request, pk: int, error):
    messages.error(request, "；".join(error.messages) if isinstance(error, ValidationError) else str(error))
    return redirect("cms_disclosure", pk)


@requires("disclosure.draft")
def disclosure_draft_view(request, pk: int, action: str):
    """The officers' steps: disclose the fine (the page goes to the approvers) and record the
    unit's application for credit repair."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    decision = _decision_or_404(request, pk)
    try:
        if action == "publish":
            penalty_disclosure_publish(actor=request.user, decision=decision)
            return _done(request, pk, _("The disclosure page was drafted and sent to the approvers. It goes public when an approver approves it."))
        if action == "apply":
            form = RepairApplicationForm(request.POST)
            if not form.is_valid():
                return disclosure_detail_view.__wrapped__(request, pk, forms_with_errors={"apply": form})
            disclosure_service.repair_apply(actor=request.user, disclosure=decision.disclosure, applied_on=form.cleaned_data["applied_on"],
                                            statement=form.cleaned_data["statement"])
            return _done(request, pk, _("The application for credit repair was recorded; an approver decides on it."))
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, pk, error)
    except decision.__class__.disclosure.RelatedObjectDoesNotExist:
        return _refused(request, pk, ValidationError(_("This fine has not been disclosed.")))
    return _refused(request, pk, ValidationError(_("Unknown action.")))


@requires("disclosure.withdraw")
def disclosure_withdraw_view(request, pk: int, action: str):
    """The approvers' steps: withdraw a disclosure whose period has ended; agree or not to a
    unit's application for credit repair (agreeing withdraws the disclosure at once)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    decision = _decision_or_404(request, pk)
    form = ReasonForm(request.POST)
    if action not in ("withdraw", "agree", "refuse"):
        return _refused(request, pk, ValidationError(_("Unknown action.")))
    if not form.is_valid():
        return disclosure_detail_view.__wrapped__(request, pk, forms_with_errors={"withdraw" if action == "withdraw" else "decide": form})
    try:
        disclosure = decision.disclosure
        if action == "withdraw":
            disclosure_service.disclosure_withdraw(actor=request.user, disclosure=disclosure, ground=WithdrawalGround.PERIOD_ENDED,
                                                   reason=form.cleaned_data["reason"])
            return _done(request, pk, _("The disclosure was withdrawn; its reason is kept with the record."))
        application = CreditRepairApplication.objects.filter(disclosure=disclosure, status=RepairStatus.PENDING).first()
        if application is None:
            return _refused(request, pk, ValidationError(_("No application is waiting for a decision.")))
        disclosure_service.repair_decide(actor=request.user, application=application, agree=action == "agree", reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, pk, error)
    except decision.__class__.disclosure.RelatedObjectDoesNotExist:
        return _refused(request, pk, ValidationError(_("This fine has not been disclosed.")))
    if action == "agree":
        return _done(request, pk, _("Credit repair agreed: the disclosure was withdrawn from the public site."))
    return _done(request, pk, _("The application was not agreed; the reasons are kept with it."))
