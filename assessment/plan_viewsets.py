"""抽查考核计划 in the console: scoped to the user's jurisdiction like everything else."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import HeaderButton

from supervision import console
from supervision.authorization import may
from supervision.models import PersonRole
from supervision.scoping import staff_profile_of

from . import selectors
from .models import Allocation, ConflictDeclaration, PlanPurpose, PlanStatus, SamplingMethod, SamplingPlan
from .plan_forms import ConflictDeclarationForm, SamplingPlanForm, SessionForm
from .services import sampling
from .views import plans as plan_views


class PlanIndexView(console.ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("jurisdiction")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.add_url:
            buttons.append(HeaderButton(_("New on-site inspection plan"), url=f"{self.add_url}?purpose={PlanPurpose.INSPECTION}", icon_name="plus"))
        return buttons


class PlanCreateView(console.ScopedCreateView):
    def get_initial(self):
        profile = staff_profile_of(self.request.user)
        purpose = self.request.GET.get("purpose")
        if purpose == PlanPurpose.INSPECTION:
            initial = {"purpose": purpose, "roles": []}
        else:
            initial = {"roles": ["director", "officer"]}
        if profile:
            initial["jurisdiction"] = profile.jurisdiction_id
        return initial

    def save_instance(self):
        plan = self.form.save(commit=False)
        plan.created_by = self.request.user
        plan.save()
        self.form.save_m2m()
        return plan


class PlanEditView(console.ScopedEditView):
    def dispatch(self, request, *args, **kwargs):
        plan = SamplingPlan.objects.filter(pk=kwargs.get("pk")).first()
        if plan is not None and plan.status != PlanStatus.DRAFT:
            messages.error(request, _("Only a draft plan can be edited; this one is %(status)s.") % {"status": plan.get_status_display()})
            return redirect("plans:inspect", plan.pk)
        return super().dispatch(request, *args, **kwargs)


class PlanInspectView(console.ScopedInspectView):
    template_name = "assessment/plan_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        frame = getattr(plan, "frame", None)
        if frame is not None:
            strata, population = frame.strata, frame.size
        else:
            elements = selectors.plan_population(plan=plan)
            strata = {}
            for element in elements:
                strata[element.stratum] = strata.get(element.stratum, 0) + 1
            population = len(elements)
        draws = selectors.plan_draws(plan=plan)
        current = next((d for d in reversed(draws) if d.current), None)
        sizes = sampling.plan_sizes(plan, strata) if population else {}
        context.update({
            "plan": plan, "frame": frame, "population": population, "strata": strata, "sizes": sizes,
            "role_labels": [PersonRole(role).label if role in PersonRole.values else role for role in plan.roles],
            "stratum_rows": stratum_rows(plan, strata, sizes),
            "by_class_ratio": plan.method == SamplingMethod.STRATIFIED and plan.allocation == Allocation.CLASS_RATIO,
            "verify_command": selectors.draw_verify_command(draw=current) if current else "",
            "recommended": [(m, sampling.recommended_sample_size(population=population, margin=m / 100)) for m in (5, 10)] if population else [],
            "draws": draws, "current_draw": current,
            "selections": selectors.draw_selections(draw=current),
            "sessions": plan.sessions.prefetch_related("tickets__person__unit", "assignments__staff__user").order_by("starts_at"),
            "session_form": SessionForm(),
            "resit_candidates": selectors.resit_candidates(plan=plan) if plan.status == PlanStatus.CLOSED else [],
            "is_editor": may(self.request.user, "plan.change", plan),
            "is_assessment": plan.purpose == PlanPurpose.ASSESSMENT,
            "purpose_sections": plan_views.purpose_sections(self.request, plan, "assessment_plan_sections"),
            "can_approve": may(self.request.user, "plan.approve", plan),
            "can_return": may(self.request.user, "plan.return", plan),
            "statuses": PlanStatus,
        })
        return context


def stratum_rows(plan: SamplingPlan, strata: dict[str, int], sizes: dict[str, int]) -> list[tuple[str, int, str, int]]:
    """(stratum, elements, ratio, sample size) for the plan page. A risk-weighted plan lists every
    credit class, an empty one with 0 (it is no stratum of the draw), each with its ratio."""
    if plan.method != SamplingMethod.STRATIFIED:
        return []
    if plan.allocation != Allocation.CLASS_RATIO:
        return [(h, n, "", sizes.get(h, 0)) for h, n in strata.items()]
    ratios = sampling.class_ratios_clean(plan.class_ratios)
    return [(h, strata.get(h, 0), format(r.normalize(), "f"), sizes.get(h, 0)) for h, r in ratios.items()]


class SamplingPlanViewSet(console.ScopedModelViewSet):
    model = SamplingPlan
    name = "plans"
    icon = "calendar"
    menu_label = _("Sampling plans")
    menu_order = 50
    index_view_class = PlanIndexView
    add_view_class = PlanCreateView
    edit_view_class = PlanEditView
    inspect_view_class = PlanInspectView
    inspect_view_enabled = True
    list_filter = ["purpose", "status", "year"]
    search_fields = ["title"]
    ordering = ["-year", "-batch"]

    @property
    def list_display(self):
        return [
            TitleColumn("title", label=_("title"), get_url=lambda plan: reverse("plans:inspect", args=[plan.pk])),
            Column("purpose", label=_("purpose"), accessor="get_purpose_display", sort_key="purpose"),
            Column("jurisdiction", label=_("jurisdiction"), accessor="jurisdiction.name"),
            "year", "batch",
            Column("status", label=_("status"), accessor="get_status_display", sort_key="status"),
        ]

    def get_form_class(self, for_update=False):
        return SamplingPlanForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<int:pk>/<str:action>/", plan_views.plan_action_view, name="action"),
            path("presentation/<int:pk>/", plan_views.plan_presentation_view, name="presentation"),
            path("frame/<int:pk>/", plan_views.frame_download_view, name="frame"),
            path("verify_draw.py", plan_views.verify_script_view, name="verify_script"),
            path("withdraw/<int:pk>/<int:selection_pk>/", plan_views.selection_withdraw_view, name="withdraw"),
            path("session/<int:pk>/", plan_views.session_create_view, name="session_create"),
            path("resit/<int:pk>/", plan_views.resit_session_create_view, name="resit_create"),
            path("session/<int:pk>/<int:session_pk>/tickets/", plan_views.session_tickets_view, name="session_tickets"),
            path("session/<int:pk>/<int:session_pk>/examiners/", plan_views.session_examiners_view, name="session_examiners"),
            path("session/<int:pk>/<int:session_pk>/examiner-frame/", plan_views.session_examiner_frame_view, name="session_examiner_frame"),
            path("session/<int:pk>/<int:session_pk>/roster/", plan_views.session_roster_view, name="session_roster"),
            path("session/<int:pk>/<int:session_pk>/notices/", plan_views.session_notices_view, name="session_notices"),
            path("session/<int:pk>/<int:session_pk>/notices/<int:notice_pk>/", plan_views.notice_print_view, name="notice_print"),
            path("session/<int:pk>/<int:session_pk>/unit/<int:unit_pk>/reprint/", plan_views.unit_reprint_view, name="unit_reprint"),
            path("ticket/<int:pk>/<int:ticket_pk>/reissue/", plan_views.ticket_reissue_view, name="ticket_reissue"),
            path("session/<int:pk>/<int:session_pk>/board/", plan_views.session_board_view, name="session_board"),
            path("results/<int:pk>/", plan_views.plan_results_view, name="results"),
            path("close/<int:pk>/", plan_views.plan_close_view, name="close"),
            path("orders/<int:pk>/", plan_views.plan_orders_view, name="orders"),
            path("ticket/<int:pk>/<int:ticket_pk>/<str:action>/", plan_views.ticket_action_view, name="ticket_action"),
        ]


class ConflictCreateView(console.ScopedCreateView):
    def save_instance(self):
        declaration = super().save_instance()
        log(instance=declaration.unit, action="assessment.conflict_declare", user=self.request.user,
            data={"staff": declaration.staff_id, "reason": declaration.reason})
        return declaration


class ConflictDeclarationViewSet(console.ScopedModelViewSet):
    """回避申报: a staff member's conflict with a unit; the examiner draw never picks them for it."""

    model = ConflictDeclaration
    name = "conflicts"
    icon = "warning"
    menu_label = _("Conflicts of interest")
    menu_order = 60
    add_view_class = ConflictCreateView
    list_display = [
        Column("staff", label=_("staff member"), accessor="staff.display_name"),
        Column("unit", label=_("unit"), accessor="unit.name"),
        "reason", "declared_at",
    ]
    search_fields = ["unit__name", "unit__uscc", "staff__user__first_name"]

    def get_form_class(self, for_update=False):
        return ConflictDeclarationForm
