"""The dashboard panel of on-site inspections: open, done, and done but not yet public, with the
publication deadline (《企业信息公示暂行条例》第七条: 20 working days); the overseer sees each
county's rounds. In cms because it reads both the inspections and their public pages."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .selectors import inspection_publication_rows


class InspectionPublicationPanel(Component):
    name = "inspection_publication"
    order = 25
    template_name = "cms/panels/inspection_publication.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        rows = inspection_publication_rows(user=self.request.user, today=today)
        return {
            "rows": rows, "today": today,
            "totals": {
                "open": sum(r.open for r in rows), "completed": sum(r.completed for r in rows),
                "unpublished": sum(r.unpublished for r in rows), "overdue": sum(1 for r in rows if r.overdue),
            },
        }
