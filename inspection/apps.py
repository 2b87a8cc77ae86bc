from django.utils.translation import gettext_lazy as _

from supervision.apps import ReportingAppConfig


class InspectionConfig(ReportingAppConfig):
    name = "inspection"
    default = True
    verbose_name = _("On-site inspection")
    rules = "inspection.authorization.RULES"
    history_provider = "inspection.selectors.unit_inspection_history"
    credit_sources = "inspection.services.credit.inspection_credit_sources"
