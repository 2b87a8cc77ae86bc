from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from supervision.authorization import register_model_actions

from .models import InspectionItem
from .views import plans as plan_views
from .viewsets import InspectionViewSetGroup

# The rule behind each of Wagtail's actions on the item list (`supervision.authorization`).
register_model_actions(InspectionItem, {
    "view": "inspection.read", "add": "items.change", "change": "items.change", "delete": "records.manage",
})


@hooks.register("register_admin_viewset")
def register_inspection_section():
    return InspectionViewSetGroup()


@hooks.register("register_log_actions")
def register_inspection_log_actions(actions):
    for action, label, message in (
        ("inspection.item_status", _("Inspection item status"), _("Changed an inspection item's status")),
        ("inspection.inspectors_draw", _("Inspectors drawn"), _("Drew the inspectors of the plan's units")),
    ):
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_inspection_plan_urls():
    # Under plans/ beside the plan's own pages (the viewset has no "inspectors/" pattern).
    return [path("plans/inspectors/<int:pk>/", plan_views.inspectors_draw_view, name="inspection_inspectors_draw")]


# The plan pages are assessment's; an inspection plan's sections come from here (assessment
# never imports inspection).
hooks.register("assessment_plan_sections", plan_views.plan_section)
hooks.register("assessment_draw_sections", plan_views.draw_section)
