"""The console dashboard's first panel: who you are, where, and what is in your jurisdiction."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from .models import Jurisdiction, JurisdictionLevel, StaffProfile
from .scoping import scope_queryset, staff_profile_of


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
        counts = [
            (_("Counties in jurisdiction"), jurisdictions.filter(level=JurisdictionLevel.COUNTY).count()),
            (_("Staff"), scope_queryset(StaffProfile.objects.all(), user=user).count()),
        ]
        return {"profile": profile, "counts": counts, "is_superuser": user.is_superuser}
