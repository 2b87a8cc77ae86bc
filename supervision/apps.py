from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Register and enforcement")

    def ready(self):
        from .roles import roles_sync_after_migrate

        # Groups and their permissions follow the code on every migrate, so a new permission
        # reaches every deployment (and every test database) without a hand step.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="supervision.roles_sync")
