from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from supervision.authorization import may, register_model_actions

from .models import InspectionItem
from .views import plans as plan_views
from .views import records
from .viewsets import InspectionViewSetGroup

# The rule behind each of Wagtail's actions on the item list (`supervision.authorization`).
register_model_actions(InspectionItem, {
    "view": "inspection.read", "add": "items.change", "change": "items.change", "delete": "records.manage",
})


@hooks.register("register_admin_viewset")
def register_inspection_section():
    return InspectionViewSetGroup()


@hooks.register("register_admin_urls")
def register_inspection_urls():
    return [path("inspection/", include((records.urlpatterns, "inspection")))]


class MyInspectionsMenuItem(MenuItem):
    """我的检查任务, for the staff who may be drawn to inspect (the page lists the ones they were drawn for)."""

    def is_shown(self, request):
        return may(request.user, "inspection.record")


@hooks.register("register_admin_menu_item")
def register_my_inspections_menu_item():
    return MyInspectionsMenuItem(_("My inspections"), reverse("inspection:mine"), icon_name="clipboard-list", order=305)


@hooks.register("register_log_actions")
def register_inspection_log_actions(actions):
    for action, label, message in (
        ("inspection.item_status", _("Inspection item status"), _("Changed an inspection item's status")),
        ("inspection.inspectors_draw", _("Inspectors drawn"), _("Drew the inspectors of the plan's units")),
        ("inspection.check", _("Inspection item recorded"), _("Recorded an item of the inspection")),
        ("inspection.sighting", _("Unit's record seen"), _("Recorded which of the unit's records were seen")),
        ("inspection.hazard", _("Hazard recorded"), _("Recorded a hazard found in the inspection")),
        ("inspection.photo", _("Inspection photo"), _("Added a photo to the inspection")),
        ("inspection.sign", _("Inspector signed"), _("An inspector signed the inspection record")),
        ("inspection.confirm", _("Unit's confirmation"), _("Recorded the unit representative's confirmation")),
        ("inspection.complete", _("Inspection completed"), _("The inspection was completed")),
        ("inspection.order", _("Order from an inspection"), _("Issued the order to correct for the inspection's findings")),
        ("inspection.round_close", _("Inspection round closed"), _("Closed the inspection round")),
    ):
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_inspection_plan_urls():
    # Under plans/ beside the plan's own pages (the viewset has no "inspectors/" pattern).
    return [
        path("plans/inspectors/<int:pk>/", plan_views.inspectors_draw_view, name="inspection_inspectors_draw"),
        path("plans/inspection-close/<int:pk>/", plan_views.round_close_view, name="inspection_round_close"),
    ]


# The plan pages are assessment's; an inspection plan's sections come from here (assessment
# never imports inspection).
hooks.register("assessment_plan_sections", plan_views.plan_section)
hooks.register("assessment_draw_sections", plan_views.draw_section)
