"""The console dashboard's panels: the base every app's panel derives from, the first panel (who
you are, where, and what is in your jurisdiction) and the enforcement panel."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from .models import Jurisdiction, JurisdictionLevel, OrderStatus, ProductionUnit, RectificationOrder, StaffProfile
from .order_states import OPEN, UNDER_DEADLINE
from .scoping import scope_queryset, staff_profile_of
from .selectors import filter_by_finding, units_with_findings


class DashboardPanel(Component):
    """A panel of the console's dashboard (Wagtail's `construct_homepage_panels` hook), made for
    one request: its `template_name` is rendered with what `panel_context` reads for the signed-in
    user, in that user's jurisdiction. `name` and `order` place it among the others."""

    name: str
    order: int
    template_name: str

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return self.panel_context(user=self.request.user)

    def panel_context(self, *, user) -> dict:
        raise NotImplementedError


class JurisdictionSummaryPanel(DashboardPanel):
    name = "jurisdiction_summary"
    order = 10
    template_name = "supervision/panels/jurisdiction_summary.html"

    def panel_context(self, *, user) -> dict:
        profile = staff_profile_of(user)
        jurisdictions = scope_queryset(Jurisdiction.objects.all(), user=user)
        units = units_with_findings(scope_queryset(ProductionUnit.objects.all(), user=user))
        index = reverse("units:index")
        counts = [
            (_("Counties in jurisdiction"), jurisdictions.filter(level=JurisdictionLevel.COUNTY).count(), reverse("jurisdictions:index") + "?level=county"),
            (_("Production units"), units.count(), index),
            (_("Director required but none in post"), filter_by_finding(units, "no_director").count(), index + "?finding=no_director"),
            # Order 75 Art. 15 ¶1: staff who have not passed the assessment may not hold their post.
            (_("Staff in post who have not passed the assessment"), filter_by_finding(units, "unpassed_in_post").count(), index + "?finding=unpassed_in_post"),
            (_("Units with any finding"), filter_by_finding(units, "any").count(), index + "?finding=any"),
            (_("Staff"), scope_queryset(StaffProfile.objects.all(), user=user).count(), reverse("staff:index")),
        ]
        return {"profile": profile, "counts": counts, "is_superuser": user.is_superuser}


class EnforcementPanel(DashboardPanel):
    """What is due this week and what is overdue, per county; an overseer sees the counties below."""

    name = "enforcement"
    order = 30
    template_name = "supervision/panels/enforcement.html"

    def panel_context(self, *, user) -> dict:
        today = timezone.localdate()
        rows = (
            scope_queryset(RectificationOrder.objects.all(), user=user)
            .values("unit__county__name", "unit__county_id")
            .annotate(
                due=Count("pk", filter=Q(status__in=UNDER_DEADLINE, deadline__gte=today, deadline__lte=today + timedelta(days=7))),
                overdue=Count("pk", filter=Q(status=OrderStatus.OVERDUE)),
                open=Count("pk", filter=Q(status__in=OPEN)),
            )
            .order_by("unit__county__name")
        )
        return {"rows": [r for r in rows if r["open"]], "index": reverse("orders:index")}
