from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..models import DecisionKind, Person, PenaltyDecision, ProductionUnit, RectificationOrder
from ..scoping import get_in_scope_or_404, scope_queryset
from ..services import enforcement as svc
from . import run_action


def _amount(request) -> int:
    return int(request.POST.get("fine_yuan", "").replace(",", "").strip())


def order_action_view(request, pk: int, action: str):
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county"), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post, user = request.POST, request.user
    actions = {
        "evidence": (lambda: svc.evidence_submit(actor=user, order=order, file=request.FILES["file"], description=post.get("description", "")), _("Evidence recorded.")),
        "verify": (lambda: svc.order_verify(actor=user, order=order), _("Rectification verified; the order is closed.")),
        "refuse": (lambda: svc.order_refuse(actor=user, order=order, note=post.get("note", "")), _("Refusal recorded.")),
        "art16": (lambda: svc.order_record_rejected_advice(actor=user, order=order, note=post.get("note", ""), people=Person.objects.filter(pk__in=post.getlist("people"), unit=order.unit)), _("Recorded under Article 16.")),
        "warning": (lambda: svc.warning_issue(actor=user, order=order, facts=post.get("facts", "")), _("Warning decided.")),
        "fine": (lambda: svc.fine_decide(actor=user, order=order, fine_yuan=_amount(request), facts=post.get("facts", "")), _("Fine decided.")),
    }
    if action not in actions:
        raise Http404
    if action == "evidence" and "file" not in request.FILES:
        messages.error(request, _("Choose a file to upload."))
        return redirect("orders:inspect", order.pk)
    func, success = actions[action]
    run_action(request, func, success)
    return redirect("orders:inspect", order.pk)


def orders_for_findings_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    orders = run_action(request, lambda: svc.orders_issue_for_findings(actor=request.user, units=scope_queryset(ProductionUnit.objects.all(), user=request.user)),
                  _("Orders issued for the register's findings."))
    if orders is not None:
        messages.info(request, _("%(n)s units have an open order for their findings.") % {"n": len(orders)})
    return redirect("orders:index")


def order_print_view(request, pk: int):
    order = get_in_scope_or_404(RectificationOrder.objects.select_related("unit__county", "issued_by"), user=request.user, pk=pk)
    return render(request, "supervision/print_order.html", {"order": order})


def decision_print_view(request, pk: int):
    decision = get_in_scope_or_404(PenaltyDecision.objects.select_related("unit__county", "order", "decided_by"), user=request.user, pk=pk)
    template = "supervision/print_warning.html" if decision.kind == DecisionKind.WARNING else "supervision/print_fine.html"
    return render(request, template, {"decision": decision, "order": decision.order})


def decision_status_view(request, pk: int):
    decision = get_in_scope_or_404(PenaltyDecision.objects.select_related("unit"), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run_action(request, lambda: svc.decision_set_status(actor=request.user, decision=decision, status=request.POST.get("status", "")), _("Status changed."))
    return redirect("penalties:print", decision.pk)
