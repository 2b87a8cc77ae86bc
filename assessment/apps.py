from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.history import register_history_provider
        from supervision.models import StaffRole
        from supervision.roles import extend_role_permissions

        from .selectors.results import unit_assessment_history

        register_history_provider(unit_assessment_history)

        read = [
            "assessment.view_question", "assessment.view_blueprint", "assessment.view_knowledgearea",
            "assessment.view_samplingplan", "assessment.view_conflictdeclaration",
        ]
        write = [
            "assessment.add_question", "assessment.change_question",
            "assessment.add_blueprint", "assessment.change_blueprint",
        ]
        # The bank and blueprints are shared by every jurisdiction: approvers and admins keep them;
        # operators and overseers read them.
        for role in (StaffRole.OVERSEER, StaffRole.OPERATOR):
            extend_role_permissions(role, read)
        # Plans belong to a bureau: its operators draft and run them, its approvers approve.
        for role in (StaffRole.OPERATOR, StaffRole.APPROVER, StaffRole.ADMIN):
            extend_role_permissions(role, [
                "assessment.add_samplingplan", "assessment.change_samplingplan",
                "assessment.add_conflictdeclaration", "assessment.change_conflictdeclaration",
            ])
        for role in (StaffRole.APPROVER, StaffRole.ADMIN):
            extend_role_permissions(role, [*read, *write])
