"""The inspection side's authorization rules, registered with the one decision
(`supervision.authorization`) from `InspectionConfig.ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from supervision.authorization import APPROVERS, EDITORS, EVERYONE, Rule

OPEN_STATUSES = ("assigned", "in_progress")  # InspectionStatus.ASSIGNED, IN_PROGRESS


def _is_assigned_inspector(user, inspection) -> bool:
    """双随机: only the inspectors drawn for this unit record its inspection."""
    return inspection.assignments.filter(staff__user_id=user.pk).exists()


def _is_open(user, inspection) -> bool:
    return inspection.status in OPEN_STATUSES


RULES = {
    "inspection.read": Rule(EVERYONE, _("You are not allowed to do this."), grants=("inspection.view_inspectionitem",)),
    # The item list is national like the question bank: approvers and admins keep it.
    "items.change": Rule(APPROVERS, _("You are not allowed to change the inspection item list."), system=True, grants=(
        "inspection.add_inspectionitem", "inspection.change_inspectionitem",
    )),
    # On site: the enforcement staff drawn for the inspection record it, while it is open.
    # Not scoped by jurisdiction: the draw may take inspectors from the city's other counties.
    "inspection.record": Rule(EDITORS, _("Only the inspectors drawn for an inspection record it."), scoped=False, conditions=(
        (_is_assigned_inspector, _("You are not one of the inspectors drawn for this inspection.")),
        (_is_open, _("This inspection is completed or withdrawn; its record can no longer be changed.")),
    )),
}
