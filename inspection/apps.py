from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("On-site inspection")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.authorization import register_rules
        from supervision.history import register_history_provider
        from supervision.services.credit import register_credit_source

        from .authorization import RULES
        from .services.credit import inspection_credit_sources
        from .selectors import unit_inspection_history

        register_rules(RULES)
        register_history_provider(unit_inspection_history)
        register_credit_source("inspection", inspection_credit_sources)
