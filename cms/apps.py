from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Publishing")

    def ready(self):
        # Wagtail's chooser widgets write inline scripts, which our CSP refuses: see cms/csp.py.
        from .csp import install

        install()
