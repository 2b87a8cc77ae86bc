from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Publishing")

    # The imports below are inside functions for the app registry, not for a cycle: apps.py loads
    # before any model, and these modules import models.
    def ready(self):
        # Wagtail's chooser widgets write inline scripts, which our CSP refuses: see cms/csp.py.
        from .csp import install

        install()
        _wagtail_exports_formula_safe()

        # Each bureau's page subtree, page permissions and workflow, made with its staff groups.
        from supervision.roles import register_page_sync

        from .services import bureau_collections_sync, bureau_pages_sync

        register_page_sync(bureau_pages_sync)
        register_page_sync(bureau_collections_sync)  # and its collection of images and documents

        # A fine's disclosure page (cms/services_disclosure.py): live → the disclosure's period runs;
        # supervision withdraws the disclosure → the page comes down.
        from wagtail.signals import page_published

        from supervision.services.disclosure import disclosure_withdrawn

        from .models import PenaltyDisclosurePage
        from .services_disclosure import on_disclosure_withdrawn, on_page_published

        page_published.connect(on_page_published, sender=PenaltyDisclosurePage, dispatch_uid="cms_disclosure_published")
        disclosure_withdrawn.connect(on_disclosure_withdrawn, dispatch_uid="cms_disclosure_withdrawn")


def _wagtail_exports_formula_safe():
    """Wagtail's own spreadsheet exports (site history, reports, snippet listings) turn xlsx
    formulas back into text but write csv cells as they are: a unit named `=HYPERLINK(...)` would
    run in a spreadsheet. Every csv value goes through the same neutralise() as our exports."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from supervision.exports import neutralise

    if getattr(SpreadsheetExportMixin, "_zl_formula_safe", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(original(self, field, value, export_format))

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._zl_formula_safe = True
