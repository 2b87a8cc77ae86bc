"""The inspection side's authorization rules, registered with the one decision
(`supervision.authorization`) from `InspectionConfig.ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from supervision.authorization import APPROVERS, EVERYONE, Rule

RULES = {
    "inspection.read": Rule(EVERYONE, _("You are not allowed to do this."), grants=("inspection.view_inspectionitem",)),
    # The item list is national like the question bank: approvers and admins keep it.
    "items.change": Rule(APPROVERS, _("You are not allowed to change the inspection item list."), system=True, grants=(
        "inspection.add_inspectionitem", "inspection.change_inspectionitem",
    )),
}
