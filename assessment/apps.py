from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.authorization import register_rules
        from supervision.history import register_history_provider
        from supervision.services.credit import register_credit_source
        from supervision.models import ImportKind
        from supervision.services.import_jobs import ImportKindSpec, register_import_kind

        from .authorization import RULES
        from .services.results import assessment_credit_sources
        from .questions_io import questions_import_file
        from .selectors.results import unit_assessment_history

        register_history_provider(unit_assessment_history)
        register_rules(RULES)
        register_import_kind(ImportKind.QUESTIONS, ImportKindSpec(
            run=questions_import_file, action="bank.change", upload_url="questions:import", done_url="questions:index",
            needs_jurisdiction=False,
        ))
        register_credit_source("assessment", assessment_credit_sources)
