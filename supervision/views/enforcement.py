from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..authorization import authorize, may, requires
from ..exports import PENALTY_COLUMNS, penalties_export
from ..files import checked_file_response
from ..models import DecisionKind, OrderEvidence, PenaltyDecision, PenaltyNotice, Person, ProductionUnit, RectificationOrder
from ..scoping import get_in_scope_or_404, scope_queryset
from ..selectors_disclosure import penalties_for_export
from ..services import enforcement as svc
from ..services import penalties
from . import posted_date, posted_int, run_action
from .register import file_response

# 行政处罚法 Art. 72 ¶1(1): 到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款.
LATE_SURCHARGE_PERCENT_PER_DAY = 3


def _amount(data) -> int:
    return posted_int(data, "fine_yuan", label=_("The fine amount"))


def _date(data, name: str) -> date:
    return posted_date(data, name, label={"received_on": _("The date received"), "held_on": _("The hearing date")}.get(name, name))


@requires("order.change")
def order_action_view(request, pk: int, action: str):
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county"), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post, user = request.POST, request.user
    notice = PenaltyNotice.objects.filter(order=order).first()
    actions = {
        "evidence": (lambda: svc.evidence_submit(actor=user, order=order, file=request.FILES["file"], description=post.get("description", "")), _("Evidence recorded.")),
        "verify": (lambda: svc.order_verify(actor=user, order=order), _("Rectification verified; the order is closed.")),
        "reject": (lambda: svc.order_reject_evidence(actor=user, order=order, reason=post.get("reason", ""), deadline_days=posted_int(post, "deadline_days", label=_("The new deadline"))), _("Evidence rejected; the order runs again to its new deadline.")),
        "refuse": (lambda: svc.order_refuse(actor=user, order=order, note=post.get("note", "")), _("Refusal recorded.")),
        "art16": (lambda: svc.order_record_rejected_advice(actor=user, order=order, note=post.get("note", ""), people=Person.objects.filter(pk__in=post.getlist("people"), unit=order.unit)), _("Recorded under Article 16.")),
        "statement": (lambda: penalties.statement_record(actor=user, notice=notice, text=post.get("text", ""), received_on=_date(post, "received_on"), hearing_requested=post.get("hearing_requested") == "1"), _("Statement recorded.")),
        "waiver": (lambda: penalties.waiver_record(actor=user, notice=notice, note=post.get("note", ""), received_on=_date(post, "received_on")), _("Written waiver recorded.")),
        "hearing": (lambda: penalties.hearing_record(actor=user, notice=notice, held_on=_date(post, "held_on"), note=post.get("note", "")), _("Hearing recorded.")),
    }
    if action not in actions or (action in ("statement", "waiver", "hearing") and notice is None):
        raise Http404
    if action == "evidence" and "file" not in request.FILES:
        messages.error(request, _("Choose a file to upload."))
        return redirect("orders:inspect", order.pk)
    func, success = actions[action]
    run_action(request, func, success)
    return redirect("orders:inspect", order.pk)


def _deadline_days(data, default: int) -> int:
    value = str(data.get("deadline_days", "")).strip()
    return int(value) if value else default


def orders_issue_preview(request, *, title: str, back_url: str, drafts, issue, default_days: int = svc.DEFAULT_DEADLINE_DAYS):
    """GET: every order that would be issued (unit, facts, basis, deadline, the Art. 17 warning with
    it), the first one as it will print, and the matters that already have an open order. POST: the
    orders, issued all or nothing (the form asks first). `drafts()` lists them, `issue(days)` issues."""
    authorize(request.user, "order.change")
    data = request.POST if request.method == "POST" else request.GET
    try:
        days = _deadline_days(data, default_days)
    except ValueError:
        days, problems = default_days, [_("The deadline is 1 to 365 days after issue.")]
    else:
        problems = [] if 1 <= days <= 365 else [_("The deadline is 1 to 365 days after issue.")]
    if request.method == "POST":
        if problems:
            messages.error(request, problems[0])
            return redirect(request.path + f"?deadline_days={days}")
        orders = run_action(request, lambda: issue(days), _("Orders issued."))
        if orders is not None:
            messages.info(request, _("%(n)s units have an open order.") % {"n": len(orders)})
            return redirect("orders:index")
        return redirect(back_url)
    try:
        rows = drafts()
    except ValidationError as error:
        rows, problems = [], [*problems, *error.messages]
    new = [row for row in rows if row.open_order is None]
    sample = svc.order_document_draft(new[0], actor=request.user, deadline_days=days) if new and not problems else None
    return render(request, "supervision/orders_preview.html", {
        "page_title": title, "header_title": title, "rows": rows, "new": new, "already": len(rows) - len(new),
        "problems": problems, "deadline_days": days, "deadline": timezone.localdate() + timedelta(days=days), "back_url": back_url,
        "order": sample[0] if sample else None, "warning": sample[1] if sample else None,
        "bureau": penalties.legal_settings_of(sample[0]) if sample else None,
        "confirm": _("Issue %(n)s orders to correct, each with the Article 17 warning where the table says so, with the deadline %(deadline)s? They are legal documents, numbered and recorded on the units; they cannot be withdrawn, only corrected.") % {
            "n": len(new), "deadline": (timezone.localdate() + timedelta(days=days)).strftime("%Y-%m-%d")},
    })


@requires("order.change")
def orders_for_findings_view(request):
    """Orders for the register's findings (no director where Art. 5 requires one, no officer)."""
    units = scope_queryset(ProductionUnit.objects.all(), user=request.user)
    return orders_issue_preview(
        request, title=_("Orders for the register's findings: preview"), back_url=reverse("units:index") + "?finding=any",
        drafts=lambda: svc.findings_order_drafts(units),
        issue=lambda days: svc.orders_issue_for_findings(actor=request.user, units=units, deadline_days=days),
    )


def _document_context(order, **extra) -> dict:
    return {"order": order, "bureau": penalties.legal_settings_of(order), "surcharge_percent": LATE_SURCHARGE_PERCENT_PER_DAY, **extra}


@requires("console.read")
def order_print_view(request, pk: int):
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county", "issued_by__staff_profile"), user=request.user, pk=pk)
    warning = order.decisions.filter(kind=DecisionKind.WARNING, superseded=False).first()
    return render(request, "supervision/print_order.html", _document_context(order, warning=warning))


@requires("console.read")
def notice_print_view(request, pk: int):
    notice = get_in_scope_or_404(PenaltyNotice.objects.select_related("unit__county", "order"), user=request.user, pk=pk)
    return render(request, "supervision/print_notice.html", _document_context(notice.order, notice=notice))


@requires("console.read")
def decision_print_view(request, pk: int):
    decision = get_in_scope_or_404(PenaltyDecision.objects.select_related("unit__county", "order", "notice", "decided_by", "supersedes"), user=request.user, pk=pk)
    template = {DecisionKind.WARNING: "supervision/print_warning.html", DecisionKind.NO_PENALTY: "supervision/print_no_penalty.html"}.get(
        decision.kind, "supervision/print_fine.html")
    return render(request, template, _document_context(decision.order, decision=decision))


def _preview(request, *, order, title: str, document: str, check, draft, confirm: str, submit: str, perform, done, fields: dict):
    """GET: the document as it will be printed, with what the service would refuse. POST: the
    decision itself (the form asks first, in the words of `confirm`)."""
    if request.method == "POST":
        result = run_action(request, perform, done[0])
        if result is not None:
            return redirect(done[1], result.pk)
        return redirect("orders:inspect", order.pk)
    problems = []
    try:
        check()
    except ValidationError as error:
        problems = error.messages
    document_object = draft() if not problems else None
    return render(request, "supervision/penalty_preview.html", _document_context(order, **{
        "page_title": title, "header_title": title, "document": document, "problems": problems, "draft": document_object, "confirm": confirm,
        "submit": submit, "fields": fields, "may_decide": may(request.user, "penalty.decide", order) and not problems,
        "notice": document_object if document == "notice" else getattr(document_object, "notice", None),
        "decision": None if document == "notice" else document_object,
    }))


@requires("console.read")
def notice_preview_view(request, pk: int):
    """The prior notice (行政处罚告知书, 行政处罚法 Art. 44), previewed and then sent."""
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county"), user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    facts, circumstances = data.get("facts", ""), data.get("circumstances", "")

    def amount():
        return _amount(data)

    return _preview(
        request, order=order, title=_("Prior notice of a penalty: preview"), document="notice",
        check=lambda: penalties.notice_check(order=order, fine_yuan=amount()),
        draft=lambda: penalties.notice_draft(order=order, fine_yuan=amount(), facts=facts, circumstances=circumstances),
        confirm=_("Send the prior notice of a fine of %(amount)s yuan to %(unit)s? The unit may then state its case; the notice cannot be withdrawn here.") % {"amount": data.get("fine_yuan", ""), "unit": order.unit.name},
        submit=_("Send the prior notice"),
        perform=lambda: penalties.notice_issue(actor=request.user, order=order, fine_yuan=amount(), facts=facts, circumstances=circumstances),
        done=(_("Prior notice sent."), "orders:notice_print"),
        fields={"fine_yuan": data.get("fine_yuan", ""), "facts": facts, "circumstances": circumstances},
    )


@requires("console.read")
def fine_preview_view(request, pk: int):
    """The fine decision (行政处罚决定书, 行政处罚法 Art. 59), previewed and then decided."""
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county"), user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    facts = data.get("facts", "")

    def draft():
        notice = penalties.fine_check(order=order, fine_yuan=_amount(data))
        return penalties.fine_draft(order=order, notice=notice, fine_yuan=_amount(data), facts=facts)

    return _preview(
        request, order=order, title=_("Penalty decision: preview"), document="fine",
        check=lambda: penalties.fine_check(order=order, fine_yuan=_amount(data)), draft=draft,
        confirm=_("Decide a fine of %(amount)s yuan on %(unit)s? The decision is numbered and recorded; only a correction with a reason can replace it.") % {"amount": data.get("fine_yuan", ""), "unit": order.unit.name},
        submit=_("Decide the fine"),
        perform=lambda: penalties.fine_decide(actor=request.user, order=order, fine_yuan=_amount(data), facts=facts),
        done=(_("Fine decided."), "penalties:print"),
        fields={"fine_yuan": data.get("fine_yuan", ""), "facts": facts},
    )


@requires("console.read")
def no_penalty_preview_view(request, pk: int):
    """The decision not to impose the notified fine (不予行政处罚决定书, 行政处罚法 Art. 57 ¶1(2), (3)),
    previewed and then decided: where the unit's statement or the review shows no penalty is due."""
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county"), user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    ground, reasons = data.get("ground", ""), data.get("reasons", "")

    def draft():
        notice = penalties.no_penalty_check(order=order, ground=ground, reasons=reasons)
        return penalties.no_penalty_draft(order=order, notice=notice, ground=ground, reasons=reasons)

    return _preview(
        request, order=order, title=_("Decision not to impose a penalty: preview"), document="no_penalty",
        check=lambda: penalties.no_penalty_check(order=order, ground=ground, reasons=reasons), draft=draft,
        confirm=_("Decide that no penalty is imposed on %(unit)s? No fine can then follow on this order; only a correction with a reason can replace the decision.") % {"unit": order.unit.name},
        submit=_("Decide: no penalty"),
        perform=lambda: penalties.no_penalty_decide(actor=request.user, order=order, ground=ground, reasons=reasons),
        done=(_("Decided: no penalty."), "penalties:print"),
        fields={"ground": ground, "reasons": reasons},
    )


@requires("console.read")
def correction_preview_view(request, pk: int):
    """A correction replaces a decision (the old one is marked superseded): previewed, then decided."""
    decision = get_in_scope_or_404(PenaltyDecision.objects.select_related("unit__county", "order", "notice"), user=request.user, pk=pk)
    order = decision.order
    data = request.POST if request.method == "POST" else request.GET
    reason, facts = data.get("reason", ""), data.get("facts", "")

    def amount():
        return _amount(data) if decision.kind == DecisionKind.FINE else None

    def draft():
        new = penalties.fine_draft(order=order, notice=decision.notice, fine_yuan=amount(), facts=facts or decision.facts)
        new.kind, new.supersedes, new.correction_reason = decision.kind, decision, reason
        new.no_penalty_ground, new.legal_basis = decision.no_penalty_ground, decision.legal_basis
        return new

    return _preview(
        request, order=order, title=_("Correction of a penalty decision: preview"),
        document={DecisionKind.WARNING: "warning", DecisionKind.NO_PENALTY: "no_penalty"}.get(decision.kind, "fine"),
        check=lambda: penalties.correction_check(decision=decision, fine_yuan=amount(), reason=reason), draft=draft,
        confirm=_("Replace decision %(number)s by this correction? The old decision is marked superseded and stays on record.") % {"number": decision.number},
        submit=_("Decide the correction"),
        perform=lambda: penalties.decision_correct(actor=request.user, decision=decision, reason=reason, fine_yuan=amount(), facts=facts),
        done=(_("Decision corrected."), "penalties:print"),
        fields={"fine_yuan": data.get("fine_yuan", ""), "facts": facts, "reason": reason},
    )


@requires("order.change")
def decision_status_view(request, pk: int):
    decision = get_in_scope_or_404(PenaltyDecision.objects.select_related("unit", "order"), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run_action(request, lambda: penalties.decision_set_status(actor=request.user, decision=decision, status=request.POST.get("status", "")), _("Status changed."))
    return redirect("orders:inspect", decision.order_id)


@requires("console.read")
def evidence_file_view(request, pk: int):
    """An evidence file, only to staff whose jurisdiction holds the unit (404 otherwise), typed by
    its content: images and PDFs inline, everything else as an attachment; never as HTML."""
    evidence = get_in_scope_or_404(OrderEvidence.objects.select_related("order"), user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return checked_file_response(handle, filename_stem=f"{evidence.order.number}-{evidence.pk}")


class PenaltyExportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("decided from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("decided until (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(label=gettext_lazy("file format"), choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV (UTF-8)")], initial="xlsx")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


@requires("console.read")
def penalties_export_view(request):
    """行政处罚信息 for the provincial credit platform: the form, then the file (GET, nothing changes)."""
    today = timezone.localdate()
    form = PenaltyExportForm(request.GET if "start" in request.GET else None, initial={"start": today.replace(month=1, day=1), "end": today})
    count = None
    if form.is_bound and form.is_valid():
        decisions = penalties_for_export(user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        if request.GET.get("download"):
            data = penalties_export(decisions=decisions, file_format=form.cleaned_data["file_format"])
            name = f"行政处罚信息_{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.{form.cleaned_data['file_format']}"
            return file_response(data, name, form.cleaned_data["file_format"])
        count = decisions.count()
    return TemplateResponse(request, "supervision/penalties_export.html", {
        "page_title": _("Penalties for the credit platform"), "header_title": _("Penalties for the credit platform"),
        "form": form, "count": count, "columns": PENALTY_COLUMNS, "query": request.GET.urlencode(),
    })
