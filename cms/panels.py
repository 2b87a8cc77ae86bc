"""The dashboard panel of on-site inspections: open, done, and done but not yet public, with the
publication deadline (《企业信息公示暂行条例》第七条: 20 working days); the overseer sees each
county's rounds. In cms because it reads both the inspections and their public pages."""

from django.template.loader import get_template
from django.utils import timezone

from supervision.panels import DashboardPanel
from supervision.selectors_disclosure import disclosures_due

from .selectors import inspection_publication_rows


class InspectionPublicationPanel(DashboardPanel):
    name = "inspection_publication"
    order = 25
    template_name = "cms/panels/inspection_publication.html"

    def panel_context(self, *, user) -> dict:
        today = timezone.localdate()
        rows = inspection_publication_rows(user=user, today=today)
        return {
            "rows": rows, "today": today,
            "totals": {
                "open": sum(r.open for r in rows), "completed": sum(r.completed for r in rows),
                "unpublished": sum(r.unpublished for r in rows), "overdue": sum(1 for r in rows if r.overdue),
            },
        }


class DisclosuresDuePanel(DashboardPanel):
    """行政处罚信息公示 still to do: the fines not yet public, earliest decision first, each with the
    day it must be public by (SAMR Order 45 Art. 8: within 20 working days of the decision). Shown
    only while something is due, so a county with nothing to disclose sees no empty panel."""

    name = "disclosures_due"
    order = 26
    template_name = "cms/panels/disclosures_due.html"
    limit = 10

    def panel_context(self, *, user) -> dict:
        today = timezone.localdate()
        rows, count = disclosures_due(user=user, today=today, limit=self.limit)
        return {"rows": rows, "count": count, "more": count - len(rows), "overdue": sum(1 for r in rows if r.overdue), "today": today}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["count"]:
            return ""
        return get_template(self.template_name).render(context)
