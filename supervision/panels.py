"""The console dashboard's first panel: who you are, where, and what is in your jurisdiction."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from .models import Jurisdiction, JurisdictionLevel, ProductionUnit, StaffProfile
from .scoping import scope_queryset, staff_profile_of
from .selectors import filter_by_finding, units_with_findings


class JurisdictionSummaryPanel(Component):
    name = "jurisdiction_summary"
    order = 10
    template_name = "supervision/panels/jurisdiction_summary.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        profile = staff_profile_of(user)
        jurisdictions = scope_queryset(Jurisdiction.objects.all(), user=user)
        units = units_with_findings(scope_queryset(ProductionUnit.objects.all(), user=user))
        index = reverse("units:index")
        counts = [
            (_("Counties in jurisdiction"), jurisdictions.filter(level=JurisdictionLevel.COUNTY).count(), reverse("jurisdictions:index") + "?level=county"),
            (_("Production units"), units.count(), index),
            (_("Director required but none in post"), filter_by_finding(units, "no_director").count(), index + "?finding=no_director"),
            (_("Units with any finding"), filter_by_finding(units, "any").count(), index + "?finding=any"),
            (_("Staff"), scope_queryset(StaffProfile.objects.all(), user=user).count(), reverse("staff:index")),
        ]
        return {"profile": profile, "counts": counts, "is_superuser": user.is_superuser}
