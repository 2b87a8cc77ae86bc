from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from supervision.history import register_history_provider

        from .services.results import unit_assessment_history

        register_history_provider(unit_assessment_history)
        from supervision.authorization import register_rules

        from .authorization import RULES

        register_rules(RULES)
