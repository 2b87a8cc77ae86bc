from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Register and enforcement")

    def ready(self):
        from .roles import roles_sync_after_migrate

        # Groups and their permissions follow the code on every migrate, so a new permission
        # reaches every deployment (and every test database) without a hand step.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="supervision.roles_sync")


class ReportingAppConfig(AppConfig):
    """The config of an app above supervision that reports to it (assessment, inspection), since
    supervision never imports upwards: the app's authorization rules (`rules`), what it adds to a
    unit's history (`history_provider`) and its events for the unit's quality credit record
    (`credit_sources`, under the app's name), each a dotted path, registered once the app registry
    is ready."""

    # A base, never an app's own config: Django picks the one config with `default` in apps.py,
    # and a subclass says `default = True` (the base is imported into its module too).
    default = False
    rules: str
    history_provider: str
    credit_sources: str

    def ready(self):
        # Imported here, not at the top: models cannot be imported before the app registry is ready.
        from .authorization import register_rules
        from .history import register_history_provider
        from .services.credit import register_credit_source

        register_rules(import_string(self.rules))
        register_history_provider(import_string(self.history_provider))
        register_credit_source(self.name, import_string(self.credit_sources))
