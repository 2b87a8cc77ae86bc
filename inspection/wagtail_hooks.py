from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from supervision.authorization import register_model_actions

from .models import InspectionItem
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
