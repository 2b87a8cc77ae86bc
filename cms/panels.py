"""The dashboard panel of on-site inspections: open, done, and done but not yet public, with the
publication deadline (《企业信息公示暂行条例》第七条: 20 working days); the overseer sees each
county's rounds. In cms because it reads both the inspections and their public pages."""

from django.utils import timezone

from supervision.panels import DashboardPanel

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
