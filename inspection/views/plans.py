"""An inspection plan in the console: the inspector draw, and what the plan pages show of it.

The plan pages are the assessment app's (one plan, one draw, never forked); this app adds its
sections to them through the `assessment_plan_sections` and `assessment_draw_sections` hooks, so
that assessment never imports inspection."""

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import PlanPurpose, PlanStatus, SamplingPlan
from assessment.selectors import draw_current, draw_selections
from supervision.authorization import may, requires
from supervision.scoping import get_in_scope_or_404
from supervision.views import posted_date, posted_int, run_action

from ..models import MIN_INSPECTORS, InspectionStatus
from ..selectors import plan_inspections, round_close_problems
from ..services.assignments import inspectors_draw
from ..services.rounds import inspection_round_close


def _detail_url(inspection_pk: int) -> str | None:
    """The console page of one inspection, where the recording side provides it."""
    try:
        return reverse("inspection:detail", args=[inspection_pk])
    except NoReverseMatch:
        return None


def _rows(plan):
    return [(inspection, _detail_url(inspection.pk)) for inspection in plan_inspections(plan=plan)]


def plan_section(request, plan: SamplingPlan) -> str:
    """现场检查 on the plan page: the drawn units' inspections and the inspector draw's button."""
    if plan.purpose != PlanPurpose.INSPECTION or plan.status not in (PlanStatus.DRAWN, PlanStatus.CLOSED):
        return ""
    rows = _rows(plan)
    drawn = {inspection.selection_id for inspection, _url in rows}
    active = {s.pk for s in draw_selections(draw=draw_current(plan=plan), active_only=True)}
    undrawn = bool(active - drawn)
    editor = may(request.user, "plan.change", plan)
    closable = editor and plan.status == PlanStatus.DRAWN and bool(rows)
    return render_to_string("inspection/includes/plan_section.html", {
        "plan": plan, "rows": rows, "can_draw": undrawn and editor,
        "can_publish": any(i.status == InspectionStatus.COMPLETED for i, _url in rows) and editor,
        "can_close": closable, "close_problems": round_close_problems(plan=plan) if closable else [],
    }, request=request)


def draw_section(request, plan: SamplingPlan) -> str:
    """On the public draw page: each inspection's inspector frame hash, to re-run its draw."""
    if plan.purpose != PlanPurpose.INSPECTION:
        return ""
    rows = _rows(plan)
    if not rows:
        return ""
    return render_to_string("inspection/includes/draw_section.html", {"plan": plan, "rows": rows, "per_unit": MIN_INSPECTORS}, request=request)


def _draw(request, plan):
    on = posted_date(request.POST, "on", label=_("date of the inspection"))
    per_unit = posted_int(request.POST, "per_unit", label=_("inspectors per unit"), default=MIN_INSPECTORS)
    return inspectors_draw(actor=request.user, plan=plan, per_unit=per_unit, on=on)


@requires("plan.change")
def round_close_view(request, pk: int):
    """结束本轮检查 (POST, after the page's confirmation): refused with its reasons while a unit is open."""
    plan = get_in_scope_or_404(SamplingPlan.objects.all(), user=request.user, pk=pk, purpose=PlanPurpose.INSPECTION)
    if request.method == "POST":
        run_action(request, lambda: inspection_round_close(actor=request.user, plan=plan), _("The inspection round is closed."))
    return redirect("plans:inspect", plan.pk)


@requires("plan.change")
def inspectors_draw_view(request, pk: int):
    """抽取检查人员: a confirmation page (the day of the inspection, inspectors per unit), then the draw."""
    plan = get_in_scope_or_404(SamplingPlan.objects.select_related("jurisdiction"), user=request.user, pk=pk, purpose=PlanPurpose.INSPECTION)
    values = {"on": timezone.localdate().isoformat(), "per_unit": MIN_INSPECTORS}
    if request.method == "POST":
        values = {"on": request.POST.get("on", ""), "per_unit": request.POST.get("per_unit", "")}
        drawn = run_action(request, lambda: _draw(request, plan), _("Inspectors drawn."))
        if drawn is not None:
            return redirect("plans:inspect", plan.pk)
    return render(request, "inspection/inspectors_draw.html", {"plan": plan, "values": values, "minimum": MIN_INSPECTORS})
