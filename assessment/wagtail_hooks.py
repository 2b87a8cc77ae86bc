from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from supervision.authorization import may, register_model_actions

from .models import Blueprint, ConflictDeclaration, Question, SamplingPlan

from .panels import RoundsPanel
from .viewsets import AssessmentViewSetGroup


@hooks.register("construct_homepage_panels")
def add_rounds_panel(request, panels):
    if may(request.user, "assessment.read"):
        panels.append(RoundsPanel(request))


@hooks.register("insert_global_admin_js")
def confirm_before_irreversible_actions():
    """Forms with data-confirm ask before they are sent (static/js/confirm.js; no inline script)."""
    return format_html('<script src="{}" defer></script>', static("js/confirm.js"))


# The rule behind each of Wagtail's actions on assessment's console models (`supervision.authorization`).
for _model, _actions in {
    SamplingPlan: {"view": "assessment.read", "add": "plan.change", "change": "plan.change", "delete": "records.manage"},
    ConflictDeclaration: {"view": "assessment.read", "add": "plan.change", "change": "plan.change", "delete": "records.manage"},
    Question: {"view": "assessment.read", "add": "bank.change", "change": "bank.change", "delete": "records.manage"},
    Blueprint: {"view": "assessment.read", "add": "bank.change", "change": "bank.change", "delete": "records.manage"},
}.items():
    register_model_actions(_model, _actions)


@hooks.register("register_admin_viewset")
def register_assessment_section():
    return AssessmentViewSetGroup()


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    for action, label, message in (
        ("assessment.question_status", _("Question status"), _("Changed a question's status")),
        ("assessment.import_questions", _("Import questions"), _("Imported questions from a file")),
        ("assessment.plan_submit", _("Submit plan"), _("Submitted the plan for approval")),
        ("assessment.plan_approve", _("Approve plan"), _("Approved the plan")),
        ("assessment.plan_return", _("Return plan"), _("Returned the plan to its drafter")),
        ("assessment.frame_freeze", _("Freeze frame"), _("Froze the sampling frame")),
        ("assessment.draw", _("Draw"), _("Drew the sample")),
        ("assessment.draw_extend", _("Extend sample"), _("Replaced a selected element by the next ticket")),
        ("assessment.session_create", _("Create session"), _("Created an exam session")),
        ("assessment.tickets_issue", _("Issue tickets"), _("Issued admission tickets")),
        ("assessment.ticket_reissue", _("Reissue ticket"), _("Reissued an access code")),
        ("assessment.resit_session_create", _("Create re-exam session"), _("Created a re-exam session")),
        ("assessment.notices_reprint", _("Reprint notices"), _("Reprinted a unit's notice with new access codes")),
        ("assessment.notices_print", _("Print notices again"), _("Printed a session's notices again")),
        ("assessment.ticket_unlock", _("Unlock ticket"), _("Unlocked a ticket locked by wrong access codes")),
        ("assessment.examiners_draw", _("Draw examiners"), _("Drew the examiners")),
        ("assessment.attempt_start_onsite", _("Start on site"), _("Started a candidate's attempt after checking identity")),
        ("assessment.extend_time", _("Extend time"), _("Extended a candidate's time")),
        ("assessment.mark_absent", _("Mark absent"), _("Marked a candidate absent")),
        ("assessment.attempts_finalize", _("Submit at the deadline"), _("Submitted attempts left open past their deadline")),
        ("assessment.notice_codes_erase", _("Erase kept access codes"), _("Erased the access codes kept for reprinting an ended session's notices")),
        ("assessment.grant_resit", _("Grant re-sit"), _("Granted a re-sit")),
        ("assessment.plan_close", _("Close round"), _("Closed the round")),
        ("assessment.conflict_declare", _("Declare conflict"), _("Declared a conflict of interest with the unit")),
    ):
        actions.register_action(action, label, message)
