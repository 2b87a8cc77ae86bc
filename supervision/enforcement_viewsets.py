"""整改处罚 in the console: orders to correct and penalty decisions, scoped like everything else."""

from datetime import timedelta

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from . import console
from .filters import counties_in_scope
from .models import OrderStatus, PenaltyDecision, RectificationOrder
from .scoping import staff_profile_of
from .views import enforcement as views

DUE_CHOICES = [("week", _("Due within 7 days")), ("overdue", _("Overdue"))]


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=OrderStatus.choices)
    county = django_filters.ModelChoiceFilter(label=_("county"), queryset=counties_in_scope, field_name="unit__county")
    due = django_filters.ChoiceFilter(label=_("deadline"), choices=DUE_CHOICES, method="filter_due")

    class Meta:
        model = RectificationOrder
        fields = ["status", "county", "due"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(status=OrderStatus.OVERDUE)
        return queryset.filter(status__in=[OrderStatus.ISSUED, OrderStatus.EVIDENCE], deadline__gte=today, deadline__lte=today + timedelta(days=7))


class OrderIndexView(console.ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "unit__county")


class OrderInspectView(console.ScopedInspectView):
    template_name = "supervision/order_inspect.html"

    def get_context_data(self, **kwargs):
        from .models import StaffRole

        context = super().get_context_data(**kwargs)
        order = self.object
        profile = staff_profile_of(self.request.user)
        context.update({
            "order": order, "evidence": order.evidence.select_related("uploaded_by"), "decisions": order.decisions.all(),
            "people": order.unit.people.filter(left_on__isnull=True), "statuses": OrderStatus,
            "is_editor": profile is not None and profile.role != StaffRole.OVERSEER,
            "is_approver": profile is not None and profile.role in (StaffRole.APPROVER, StaffRole.ADMIN),
            "open": order.status in (OrderStatus.ISSUED, OrderStatus.EVIDENCE, OrderStatus.OVERDUE),
        })
        return context


class RectificationOrderViewSet(console.ScopedModelViewSet):
    model = RectificationOrder
    name = "orders"
    icon = "warning"
    menu_label = _("Rectification orders")
    menu_order = 100
    index_view_class = OrderIndexView
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
            path("findings/", views.orders_for_findings_view, name="findings"),
        ]


class PenaltyDecisionViewSet(console.ScopedModelViewSet):
    model = PenaltyDecision
    name = "penalties"
    icon = "doc-full"
    menu_label = _("Penalty decisions")
    menu_order = 110
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
        ]


class EnforcementViewSetGroup(ViewSetGroup):
    menu_label = _("Rectification and penalties")
    menu_icon = "warning"
    menu_order = 400
    items = (RectificationOrderViewSet, PenaltyDecisionViewSet)
