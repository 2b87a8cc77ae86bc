"""The assessment side's authorization rules, registered with the one decision
(`supervision.authorization`) from `AssessmentConfig.ready()`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from supervision.authorization import APPROVERS, EDITORS, EVERYONE, Rule

_BANK_READ = (
    "assessment.view_question", "assessment.view_blueprint", "assessment.view_knowledgearea",
    "assessment.view_samplingplan", "assessment.view_conflictdeclaration",
)


def _not_the_drafter(user, plan) -> bool:
    return plan.created_by_id != user.pk


RULES = {
    "assessment.read": Rule(EVERYONE, _("You are not allowed to do this."), grants=_BANK_READ),
    # The bank and blueprints are shared by every jurisdiction: approvers and admins keep them.
    "bank.change": Rule(APPROVERS, _("You are not allowed to change the question bank."), system=True, grants=(
        "assessment.add_question", "assessment.change_question", "assessment.add_blueprint", "assessment.change_blueprint",
    )),
    # Plans belong to a bureau: its operators draft and run them (frame, draw, sessions, tickets,
    # notices, the exam-day board, re-exams, closing, publishing the results).
    "plan.change": Rule(EDITORS, _("Overseers read plans; they do not change them."), grants=(
        "assessment.add_samplingplan", "assessment.change_samplingplan",
        "assessment.add_conflictdeclaration", "assessment.change_conflictdeclaration",
    )),
    # Four eyes: an approver of the plan's own bureau approves it, never the person who drafted it.
    "plan.approve": Rule(APPROVERS, _("Only an approver of the plan's bureau can approve it."), own_bureau=True,
                         conditions=((_not_the_drafter, _("The person who drafted a plan cannot approve it.")),)),
    "plan.return": Rule(APPROVERS, _("Only an approver of the plan's bureau can return it to its drafter."), own_bureau=True),
}
