"""整改处罚 in the console: orders to correct and penalty decisions, scoped like everything else."""

from datetime import timedelta

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets import HeaderButton
from wagtail.admin.viewsets.base import ViewSetGroup

from . import console
from .filters import county_filter
from .forms import BureauLegalSettingsForm
from .history import order_history
from .models import BureauLegalSettings, DecisionKind, DecisionStatus, HolidaySchedule, NoPenaltyGround, OrderStatus, PenaltyDecision, PenaltyNotice, RectificationOrder
from .order_states import FINABLE, OPEN, UNDER_DEADLINE, actions_from
from .services.penalties import hearing_threshold_yuan, legal_settings_of, statement_days
from .authorization import may
from .views import enforcement as views

DUE_CHOICES = [("week", _("Due within 7 days")), ("overdue", _("Overdue"))]


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=OrderStatus.choices)
    county = county_filter("unit__county")
    due = django_filters.ChoiceFilter(label=_("deadline"), choices=DUE_CHOICES, method="filter_due")

    class Meta:
        model = RectificationOrder
        fields = ["status", "county", "due"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(status=OrderStatus.OVERDUE)
        return queryset.filter(status__in=UNDER_DEADLINE, deadline__gte=today, deadline__lte=today + timedelta(days=7))


class OrderIndexView(console.ScopedIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if may(self.request.user, "order.change"):  # Art. 5, 17: the register's findings, previewed before anything is issued
            buttons.append(HeaderButton(_("Orders for the register's findings"), url=reverse("orders:findings"), icon_name="warning"))
        return buttons


class OrderInspectView(console.ScopedInspectView):
    template_name = "supervision/order_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        notice = PenaltyNotice.objects.filter(order=order).prefetch_related("statements__recorded_by").first()
        decisions = order.decisions.select_related("supersedes").order_by("decided_on", "pk")
        context.update({
            "order": order, "evidence": order.evidence.select_related("uploaded_by"), "decisions": decisions,
            "people": order.unit.people.filter(left_on__isnull=True), "statuses": OrderStatus,
            "is_editor": may(self.request.user, "order.change", order),
            "is_approver": may(self.request.user, "penalty.decide", order),
            "open": order.status in OPEN, "allowed": actions_from(order.status),
            "finable": order.status in FINABLE, "notice": notice, "bureau": legal_settings_of(order),
            "has_fine": any(d.kind in (DecisionKind.FINE, DecisionKind.NO_PENALTY) and not d.superseded for d in decisions),
            "no_penalty_grounds": NoPenaltyGround.choices, "decision_statuses": DecisionStatus.choices,
            "hearing_threshold_yuan": hearing_threshold_yuan(), "statement_days": statement_days(),
            "history": order_history(order),
        })
        return context


class RectificationOrderViewSet(console.ScopedModelViewSet):
    model = RectificationOrder
    name = "orders"
    icon = "warning"
    menu_label = _("Rectification orders")
    menu_order = 100
    index_view_class = OrderIndexView
    list_select_related = ("unit", "unit__county")
    inspect_view_class = OrderInspectView
    inspect_view_enabled = True
    filterset_class = OrderFilterSet
    search_fields = ["number", "unit__name", "unit__uscc"]
    ordering = ["deadline"]
    form_fields = ["deadline"]

    @property
    def list_display(self):
        return [
            TitleColumn("number", label=_("document number"), get_url=lambda o: reverse("orders:inspect", args=[o.pk])),
            Column("unit", label=_("unit"), accessor="unit.name"),
            Column("county", label=_("county"), accessor="unit.county.name"),
            Column("deadline", label=_("deadline"), sort_key="deadline"),
            Column("status", label=_("status"), accessor="get_status_display", sort_key="status"),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("act/<int:pk>/<str:action>/", views.order_action_view, name="action"),
            path("print/<int:pk>/", views.order_print_view, name="print"),
            path("evidence/<int:pk>/", views.evidence_file_view, name="evidence_file"),
            path("findings/", views.orders_for_findings_view, name="findings"),
            path("notice/<int:pk>/", views.notice_preview_view, name="notice"),
            path("notice/print/<int:pk>/", views.notice_print_view, name="notice_print"),
            path("fine/<int:pk>/", views.fine_preview_view, name="fine"),
            path("no-penalty/<int:pk>/", views.no_penalty_preview_view, name="no_penalty"),
        ]


class PenaltyIndexView(console.ScopedIndexView):
    @cached_property
    def header_buttons(self):
        return [*super().header_buttons, HeaderButton(_("Export for the credit platform"), url=reverse("penalties:export"), icon_name="download")]


class PenaltyDecisionViewSet(console.ScopedModelViewSet):
    model = PenaltyDecision
    name = "penalties"
    icon = "doc-full"
    menu_label = _("Penalty decisions")
    menu_order = 110
    index_view_class = PenaltyIndexView
    inspect_view_enabled = True
    list_filter = ["kind", "status"]
    search_fields = ["number", "unit__name", "unit__uscc"]
    form_fields = ["status"]

    @property
    def list_display(self):
        return [
            TitleColumn("number", label=_("decision number"), get_url=lambda d: reverse("penalties:print", args=[d.pk])),
            Column("unit", label=_("unit"), accessor="unit.name"),
            Column("kind", label=_("kind"), accessor="get_kind_display"),
            Column("fine_yuan", label=_("fine (yuan)")),
            Column("decided_on", label=_("decided on")),
            Column("status", label=_("status"), accessor="get_status_display"),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("print/<int:pk>/", views.decision_print_view, name="print"),
            path("status/<int:pk>/", views.decision_status_view, name="status"),
            path("correct/<int:pk>/", views.correction_preview_view, name="correct"),
            path("export/", views.penalties_export_view, name="export"),
        ]


class BureauLegalSettingsViewSet(console.ScopedModelViewSet):
    """A bureau's particulars for its documents (payment, review body, court), kept by its administrator."""

    model = BureauLegalSettings
    name = "bureau_legal"
    icon = "cog"
    menu_label = _("Bureau's legal particulars")
    menu_order = 120
    list_display = ["bureau_name", Column("jurisdiction", label=_("Jurisdiction"), accessor="jurisdiction.name"), "review_authority", "court"]
    form_class = BureauLegalSettingsForm


class HolidayScheduleViewSet(console.ConsoleModelViewSet):
    """The State Council's holiday schedule of a year (行政处罚法 Art. 85), national, kept by the
    platform administrator: no role is granted its permissions, so only superusers see it."""

    model = HolidaySchedule
    name = "holiday_schedules"
    icon = "date"
    menu_label = _("Holiday schedules")
    menu_order = 130
    form_fields = ["year", "source", "holidays", "workdays"]
    list_display = ["year", "source"]


class EnforcementViewSetGroup(ViewSetGroup):
    menu_label = _("Rectification and penalties")
    menu_icon = "warning"
    menu_order = 400
    items = (RectificationOrderViewSet, PenaltyDecisionViewSet, BureauLegalSettingsViewSet, HolidayScheduleViewSet)
