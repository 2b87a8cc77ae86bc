from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("On-site inspection")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.authorization import register_rules

        from .authorization import RULES

        register_rules(RULES)
