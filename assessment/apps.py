from django.utils.translation import gettext_lazy as _

from supervision.apps import ReportingAppConfig


class AssessmentConfig(ReportingAppConfig):
    name = "assessment"
    default = True
    verbose_name = _("Assessment")
    rules = "assessment.authorization.RULES"
    history_provider = "assessment.selectors.results.unit_assessment_history"
    credit_sources = "assessment.services.results.assessment_credit_sources"

    def ready(self):
        super().ready()
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from supervision.models import ImportKind
        from supervision.services.import_jobs import ImportKindSpec, register_import_kind

        from .questions_io import questions_import_file

        register_import_kind(ImportKind.QUESTIONS, ImportKindSpec(
            run=questions_import_file, action="bank.change", upload_url="questions:import", done_url="questions:index",
            needs_jurisdiction=False,
        ))
