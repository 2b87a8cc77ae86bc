"""The plan's workflow in the console: approve, freeze, the public draw, sessions, tickets, notices.

Every view first finds the plan in the user's jurisdiction (404 otherwise), then checks the method."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.log_actions import log

from supervision.authorization import authorize, may, requires
from supervision.scoping import get_in_scope_or_404
from supervision.views import run_action
from supervision.views.enforcement import orders_issue_preview

from .. import selectors, verify_draw
from ..charts import pass_rate_chart, score_chart
from ..models import DrawSelection, ExamSession, NoticePrint, PlanPurpose, PlanStatus, SamplingPlan, Ticket
from ..plan_forms import SessionForm
from ..services import attempts as attempt_service
from ..services import resits, sampling, sessions
from ..services.results import rectification_order_drafts, rectification_orders_issue

ACTIONS = {
    "submit": lambda actor, plan, data: sampling.plan_submit(actor=actor, plan=plan),
    "approve": lambda actor, plan, data: sampling.plan_approve(actor=actor, plan=plan),
    "return": lambda actor, plan, data: sampling.plan_return(actor=actor, plan=plan, reason=data.get("reason", "")),
    "freeze": lambda actor, plan, data: sampling.frame_freeze(actor=actor, plan=plan),
}


def purpose_sections(request, plan: SamplingPlan, hook: str) -> list[str]:
    """What the apps above add to a plan page for their kind of plan (the inspection app its
    inspections): rendered HTML from each `hook` function, the empty ones left out."""
    return [html for fn in hooks.get_hooks(hook) if (html := fn(request, plan))]


def _plan(request, pk) -> SamplingPlan:
    return get_in_scope_or_404(SamplingPlan.objects.select_related("jurisdiction"), user=request.user, pk=pk)


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@requires("plan.change")
def plan_action_view(request, pk: int, action: str):
    plan = _plan(request, pk)
    if action not in ACTIONS:
        raise Http404
    if response := _post_only(request):
        return response
    labels = {"submit": _("Submitted for approval."), "approve": _("Plan approved."), "return": _("Plan returned to its drafter."),
              "freeze": _("Frame frozen. Its SHA-256 is now fixed and shown.")}
    run_action(request, lambda: ACTIONS[action](request.user, plan, request.POST), labels[action])
    return redirect("plans:inspect", plan.pk)


@requires("assessment.read")
@never_cache
def plan_presentation_view(request, pk: int):
    """The big-screen view of the public draw: the frame's hash, the seed typed in, the result."""
    plan = _plan(request, pk)
    if plan.status not in (PlanStatus.FROZEN, PlanStatus.DRAWN, PlanStatus.CLOSED):
        messages.error(request, _("Freeze the frame before the draw."))
        return redirect("plans:inspect", plan.pk)
    error = None
    if request.method == "POST":
        try:
            sampling.draw_perform(actor=request.user, plan=plan, seed=request.POST.get("seed", ""), reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            error = "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or _("You are not allowed to do this."))
        else:
            return redirect("plans:presentation", plan.pk)
        plan.refresh_from_db()
    draw = selectors.draw_current(plan=plan)
    selections = selectors.draw_selections(draw=draw)
    return render(request, "assessment/plan_presentation.html", {
        "plan": plan, "frame": plan.frame, "draw": draw, "selections": selections, "error": error,
        "verify_command": selectors.draw_verify_command(draw=draw) if draw else "",
        "seed_value": request.POST.get("seed", "") if error else "",
        "purpose_sections": purpose_sections(request, plan, "assessment_draw_sections") if draw and not error else [],
    }, status=400 if error else 200)


@requires("assessment.read")
def frame_download_view(request, pk: int):
    plan = _plan(request, pk)
    if not hasattr(plan, "frame"):
        raise Http404
    response = HttpResponse(plan.frame.csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{selectors.frame_file_name(plan=plan)}"'
    return response


@requires("assessment.read")
def verify_script_view(request):
    response = HttpResponse(Path(verify_draw.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response


@requires("plan.change")
def selection_withdraw_view(request, pk: int, selection_pk: int):
    plan = _plan(request, pk)
    if response := _post_only(request):
        return response
    selection = get_in_scope_or_404(DrawSelection.objects.select_related("draw"), user=request.user, pk=selection_pk, draw__plan=plan)
    run_action(request, lambda: sampling.draw_extend(actor=request.user, draw=selection.draw, withdraw=selection, reason=request.POST.get("reason", "")),
         _("Withdrawn; the next ticket of the stratum was taken."))
    return redirect("plans:inspect", plan.pk)


def _session_form_view(request, pk: int, create, success: str):
    """A session (first round or re-exam) from the plan page's form: field errors as messages."""
    plan = _plan(request, pk)
    if response := _post_only(request):
        return response
    form = SessionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect("plans:inspect", plan.pk)
    run_action(request, lambda: create(actor=request.user, plan=plan, **form.cleaned_data), success)
    return redirect("plans:inspect", plan.pk)


@requires("plan.change")
def session_create_view(request, pk: int):
    return _session_form_view(request, pk, sessions.session_create, _("Session created."))


@requires("plan.change")
def resit_session_create_view(request, pk: int):
    """补考: a re-exam session of a closed round, for the persons who have not passed."""
    return _session_form_view(request, pk, resits.resit_session_create, _("Re-exam session created. Issue its tickets to print the notices."))


def _session(request, plan, session_pk) -> ExamSession:
    return get_in_scope_or_404(ExamSession.objects.all(), user=request.user, pk=session_pk, plan=plan)


@requires("plan.change")
def session_tickets_view(request, pk: int, session_pk: int):
    """Issue tickets to every sampled person not yet holding one; the notices with their access
    codes are then a page of their own (GET), which can be reloaded and printed again."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    if response := _post_only(request):
        return response
    if session.is_resit:
        issued = run_action(request, lambda: resits.resit_tickets_issue(actor=request.user, session=session), _("Re-exam tickets issued."))
    else:
        selections = selectors.draw_selections(draw=selectors.draw_current(plan=plan), active_only=True)
        issued = run_action(request, lambda: sessions.tickets_issue(actor=request.user, session=session, selections=selections), _("Tickets issued."))
    if not issued:
        if issued == []:
            messages.info(request, _("Everyone sampled already has a ticket."))
        return redirect("plans:inspect", plan.pk)
    return redirect("plans:notice_print", plan.pk, session.pk, issued[0].ticket.notice_prints.latest("created_at").pk)


@requires("plan.change")
def ticket_reissue_view(request, pk: int, ticket_pk: int):
    plan = _plan(request, pk)
    if response := _post_only(request):
        return response
    ticket = get_in_scope_or_404(Ticket.objects.select_related("session", "person__unit"), user=request.user, pk=ticket_pk, session__plan=plan)
    issued = run_action(request, lambda: sessions.ticket_reissue(actor=request.user, ticket=ticket), _("A new access code was made; the old one no longer works."))
    if issued is None:
        return redirect("plans:session_board", plan.pk, ticket.session_id)
    return redirect("plans:notice_print", plan.pk, ticket.session_id, issued.ticket.notice_prints.latest("created_at").pk)


@requires("plan.change")
def unit_reprint_view(request, pk: int, session_pk: int, unit_pk: int):
    """Reprint one unit's notice: new access codes, the old ones refused from now on."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    if response := _post_only(request):
        return response
    ticket = session.tickets.filter(person__unit_id=unit_pk).select_related("person__unit").first()
    if ticket is None:
        raise Http404
    notice = run_action(request, lambda: sessions.unit_notices_reprint(actor=request.user, session=session, unit=ticket.person.unit),
                        _("A new notice was made for the unit; the access codes on the earlier one no longer work."))
    if notice is None:
        back = "plans:session_roster" if request.POST.get("back") == "roster" else "plans:session_board"
        return redirect(back, plan.pk, session.pk)
    return redirect("plans:notice_print", plan.pk, session.pk, notice.pk)


def _notices_page(request, plan, session, lines, *, notice=None):
    ended = timezone.now() >= session.ends_at
    return render(request, "assessment/notices.html", {
        "plan": plan, "session": session, "notices": _group_by_unit(lines), "printing": notice, "ended": ended,
        "missing": sum(1 for line in lines if line.access_code is None),
    })


@requires("plan.change")
@never_cache
def notice_print_view(request, pk: int, session_pk: int, notice_pk: int):
    """One printing's notices, as a page that can be reloaded until the session ends."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    authorize(request.user, "plan.change", plan)
    notice = get_in_scope_or_404(NoticePrint.objects.all(), user=request.user, pk=notice_pk, session=session)
    return _notices_page(request, plan, session, selectors.notice_lines(session=session, notice=notice), notice=notice)


@requires("plan.change")
@never_cache
def session_notices_view(request, pk: int, session_pk: int):
    """Every live notice of the session again, with the codes that currently work."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    authorize(request.user, "plan.change", plan)
    lines = selectors.notice_lines(session=session)
    log(instance=plan, action="assessment.notices_print", user=request.user, data={"session": session.pk, "tickets": len(lines)})
    return _notices_page(request, plan, session, lines)


def _group_by_unit(issued):
    notices = {}
    for item in issued:
        unit = item.ticket.person.unit
        entry = notices.setdefault(unit.pk, {"unit": unit, "items": [], "replaces_earlier": False})
        entry["items"].append(item)
        entry["replaces_earlier"] = entry["replaces_earlier"] or getattr(item, "replaces_earlier", False)
    return list(notices.values())


@requires("plan.change")
def session_examiners_view(request, pk: int, session_pk: int):
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    if response := _post_only(request):
        return response
    run_action(request, lambda: sessions.examiners_draw(actor=request.user, session=session), _("Examiners drawn."))
    return redirect("plans:inspect", plan.pk)


@requires("assessment.read")
def session_examiner_frame_view(request, pk: int, session_pk: int):
    """The session's examiner frame, the file its examiner draw was made from."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    if not session.examiner_frame_csv:
        raise Http404
    response = HttpResponse(session.examiner_frame_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="examiners-{plan.year}-{plan.batch}-{plan.pk}-{session.pk}.csv"'
    return response


@requires("assessment.read")
def session_roster_view(request, pk: int, session_pk: int):
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    tickets, assignments = selectors.session_roster(session=session)
    return render(request, "assessment/session_roster.html", {
        "plan": plan, "session": session, "tickets": tickets, "assignments": assignments,
        "can_reprint": may(request.user, "plan.change", plan) and timezone.now() < session.ends_at,
    })


@requires("assessment.read")
@never_cache
def session_board_view(request, pk: int, session_pk: int):
    """The live board of a session; the page refreshes its table without reloading."""
    plan = _plan(request, pk)
    session = _session(request, plan, session_pk)
    rows, counts = selectors.session_board_rows(session=session)
    template = "assessment/includes/session_board.html" if request.GET.get("fragment") else "assessment/session_board.html"
    return render(request, template, {"plan": plan, "session": session, "rows": rows, "counts": counts, "ended": timezone.now() >= session.ends_at})


@requires("plan.change")
def ticket_action_view(request, pk: int, ticket_pk: int, action: str):
    """Examiners' actions on one candidate: start on site, extend time, mark absent, grant a re-sit."""
    plan = _plan(request, pk)
    ticket = get_in_scope_or_404(Ticket.objects.select_related("session__plan", "person"), user=request.user, pk=ticket_pk, session__plan=plan)
    if response := _post_only(request):
        return response
    reason = request.POST.get("reason", "")
    actions = {
        "start": (lambda: attempt_service.attempt_start(ticket=ticket, examiner=request.user), _("Attempt started for the candidate.")),
        "extend": (lambda: attempt_service.ticket_extend_time(actor=request.user, ticket=ticket, minutes=_minutes(request), reason=reason), _("Time extended.")),
        "absent": (lambda: attempt_service.ticket_mark_absent(actor=request.user, ticket=ticket, reason=reason), _("Marked absent.")),
        "resit": (lambda: attempt_service.ticket_grant_resit(actor=request.user, ticket=ticket, reason=reason), _("Re-sit granted.")),
        "unlock": (lambda: sessions.ticket_unlock(actor=request.user, ticket=ticket), _("Ticket unlocked: the candidate can log in again.")),
    }
    if action not in actions:
        raise Http404
    func, message = actions[action]
    if action == "start" and not may(request.user, "plan.change", plan):
        messages.error(request, _("You are not allowed to do this."))
    else:
        run_action(request, func, message)
    return redirect("plans:session_board", plan.pk, ticket.session_id)


def _minutes(request) -> int:
    try:
        return int(request.POST.get("minutes", "0"))
    except ValueError:
        return 0


@requires("assessment.read")
def plan_results_view(request, pk: int):
    """The round's results in the console: rates with intervals, the county test, item analysis."""
    plan = _plan(request, pk)
    if plan.purpose != PlanPurpose.ASSESSMENT:
        messages.error(request, _("An on-site inspection plan has no exam results."))
        return redirect("plans:inspect", plan.pk)
    outcome = selectors.round_results(plan=plan)
    items, test = selectors.plan_item_analysis(plan=plan)
    charts = {
        "chart-county": pass_rate_chart(outcome.by_county, _("Units passed by county, with 95 percent intervals")),
        "chart-scores": score_chart(outcome.scores, outcome.pass_mark_percent),
    }
    return render(request, "assessment/plan_results.html", {
        "plan": plan, "outcome": outcome, "items": sorted(items, key=lambda i: (not i.flags, i.facility)),
        "test": test, "charts": charts, "min_attempts": selectors.item_analysis_min_attempts(),
    })


@requires("plan.change")
def plan_close_view(request, pk: int):
    plan = _plan(request, pk)
    if response := _post_only(request):
        return response
    run_action(request, lambda: sampling.plan_close(actor=request.user, plan=plan), _("The round is closed: results are final and can be published."))
    return redirect("plans:inspect", plan.pk)


@requires("order.change")
def plan_orders_view(request, pk: int):
    """Art. 15: orders to rectify for every unit of the closed round that did not pass, previewed first."""
    plan = _plan(request, pk)
    return orders_issue_preview(
        request, title=_("Orders to rectify for “%(plan)s”: preview") % {"plan": plan.title}, back_url=reverse("plans:inspect", args=[plan.pk]),
        drafts=lambda: rectification_order_drafts(plan),
        issue=lambda days: rectification_orders_issue(actor=request.user, plan=plan, deadline_days=days),
    )
