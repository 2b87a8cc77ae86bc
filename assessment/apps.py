from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.authorization import register_rules
        from supervision.history import register_history_provider

        from .authorization import RULES
        from .selectors.results import unit_assessment_history

        register_history_provider(unit_assessment_history)
        register_rules(RULES)
