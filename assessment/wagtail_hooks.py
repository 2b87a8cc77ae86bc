from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .viewsets import AssessmentViewSetGroup


@hooks.register("register_admin_viewset")
def register_assessment_section():
    return AssessmentViewSetGroup()


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    actions.register_action("assessment.question_status", _("Question status"), _("Changed a question's status"))
