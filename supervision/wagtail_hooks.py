from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .authorization import may, register_model_actions
from .models import (
    BureauLegalSettings, HolidaySchedule, ImportJob, Jurisdiction, PenaltyDecision, Person, ProductCategory,
    ProductionUnit, RectificationOrder, StaffProfile,
)
from .enforcement_viewsets import EnforcementViewSetGroup
from .history import import_change_text, person_left_text
from .panels import EnforcementPanel, JurisdictionSummaryPanel
from .views import credit, two_factor
from .viewsets import RegisterViewSetGroup

# The rule behind each of Wagtail's actions on the console's models (`authorization`). What a map
# leaves out is nobody's: divisions are not added or deleted by hand (the tree follows the GB/T
# 2260 file); orders and decisions change only through their services (the state table, the
# penalty procedure, the log), never through a generic form.
_READ, _REPAIR = "console.read", "records.manage"
for _model, _actions in {
    Jurisdiction: {"view": _READ, "change": "jurisdiction.change"},
    ProductionUnit: {"view": _READ, "add": "register.change", "change": "register.change", "delete": _REPAIR},
    Person: {"view": _READ, "add": "register.change", "change": "register.change", "delete": _REPAIR},
    ImportJob: {"view": _READ, "add": "register.import", "delete": _REPAIR},
    StaffProfile: {"view": _READ, "add": "staff.manage", "change": "staff.manage", "delete": _REPAIR},
    ProductCategory: {"view": _READ, "add": "categories.change", "change": "categories.change", "delete": _REPAIR},
    RectificationOrder: {"view": _READ},
    PenaltyDecision: {"view": _READ},
    BureauLegalSettings: {"view": _READ, "add": "legal_settings.change", "change": "legal_settings.change", "delete": _REPAIR},
    # 行政处罚法 Art. 85: national reference data, kept by the platform administrator.
    HolidaySchedule: dict.fromkeys(("view", "add", "change", "delete"), "holiday_schedule.change"),
}.items():
    register_model_actions(_model, _actions)


@hooks.register("register_admin_viewset")
def register_register_section():
    return RegisterViewSetGroup()


@hooks.register("register_admin_viewset")
def register_enforcement_section():
    return EnforcementViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_jurisdiction_summary(request, panels):
    panels.insert(0, JurisdictionSummaryPanel(request))
    if may(request.user, "console.read"):
        panels.append(EnforcementPanel(request))


class PublicSiteMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, "console.read")


# 信息公开 (publishing): the public site's pages; results publication joins it in its own issue.
publishing_menu = Menu(register_hook_name="register_publishing_menu_item", construct_hook_name=None)


@hooks.register("register_publishing_menu_item")
def register_site_pages_item():
    return PublicSiteMenuItem(_("Website pages"), reverse("wagtailadmin_explore_root"), icon_name="doc-empty-inverse", order=100)


@hooks.register("register_admin_menu_item")
def register_publishing_section():
    return SubmenuMenuItem(_("Publishing"), publishing_menu, icon_name="globe", order=600)


@hooks.register("insert_global_admin_css")
def console_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/console.css"))


@hooks.register("register_log_actions")
def register_supervision_log_actions(actions):
    actions.register_action("supervision.import_units", _("Import units"), _("Imported production units from a file"))
    actions.register_action("supervision.import_personnel", _("Import personnel"), _("Imported quality staff from a file"))
    from wagtail.log_actions import LogFormatter

    @actions.register_action("supervision.import_change")
    class ImportChangeFormatter(LogFormatter):
        """Old → new per field on wagtail's own history pages (units:history, people:history);
        personal fields only as changed, their values were never logged."""
        label = _("Changed by import")

        def format_message(self, log_entry):
            return import_change_text(log_entry.content_type.model_class(), log_entry.data or {})

    @actions.register_action("supervision.person_left")
    class PersonLeftFormatter(LogFormatter):
        """Order 75 Art. 13: a post's end, with the post, its dates and the import job."""
        label = _("Left the post")

        def format_message(self, log_entry):
            return person_left_text(log_entry.data or {})
    actions.register_action("supervision.reveal_id", _("Reveal ID number"), _("Revealed a resident ID number"))
    actions.register_action("supervision.person_assessment", _("Assessment result"), _("Recorded the person's supervision assessment result (Art. 15)"))
    actions.register_action("supervision.two_factor_enrol", _("Set up two-factor authentication"), _("Set up an authenticator app"))
    actions.register_action("supervision.two_factor_reset", _("Reset two-factor authentication"), _("Reset a colleague's second factor"))
    for action, label, message in (
        ("supervision.order_issue", _("Order to correct"), _("Issued an order to correct")),
        ("supervision.order_evidence", _("Evidence"), _("Recorded evidence of rectification")),
        ("supervision.order_verify", _("Verify rectification"), _("Verified the rectification and closed the order")),
        ("supervision.order_reject", _("Evidence rejected"), _("Rejected the evidence and set a new deadline")),
        ("supervision.order_refuse", _("Refusal"), _("Recorded that the unit refused to correct")),
        ("supervision.order_overdue", _("Overdue"), _("The deadline passed without a verified correction")),
        ("supervision.order_resit", _("Re-exam result"), _("Recorded the unit's re-exam result")),
        ("supervision.order_art16", _("Article 16"), _("Recorded rejected advice (Art. 16)")),
        ("supervision.notice_issue", _("Prior notice"), _("Sent the prior notice of a penalty")),
        ("supervision.notice_statement", _("Statement and defence"), _("Recorded the unit's statement and defence")),
        ("supervision.notice_waiver", _("Waiver"), _("Recorded the unit's written waiver of its rights")),
        ("supervision.notice_hearing", _("Hearing"), _("Recorded the hearing")),
        ("supervision.penalty_decide", _("Penalty"), _("Decided a penalty")),
        ("supervision.penalty_correct", _("Penalty corrected"), _("Replaced a penalty decision by a correction")),
        ("supervision.penalty_status", _("Penalty status"), _("Changed a penalty decision's status")),
        ("supervision.credit_event", _("Credit record"), _("Recorded an event in the unit's quality credit record")),
        ("supervision.credit_event_transfer", _("Credit record corrected"), _("A credit event now names the decision that corrected its source")),
        ("supervision.credit_class", _("Credit class"), _("The unit's credit class changed")),
        ("supervision.disclosure_draft", _("Penalty disclosure"), _("Drafted the penalty's public disclosure for approval")),
        ("supervision.disclosure_publish", _("Penalty disclosed"), _("The penalty's disclosure went public")),
        ("supervision.disclosure_withdraw", _("Disclosure withdrawn"), _("Withdrew the penalty's public disclosure")),
        ("supervision.repair_apply", _("Credit repair application"), _("Recorded the unit's application for credit repair")),
        ("supervision.repair_decide", _("Credit repair decision"), _("Decided on the unit's application for credit repair")),
        ("supervision.credit_recompute", _("Credit classes computed"), _("Computed every unit's credit class")),
        ("supervision.credit_rules_change", _("Credit rules changed"), _("Changed the credit rules (a new version)")),
    ):
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/setup/", two_factor.setup_view, name="two_factor_setup"),
        path("2fa/verify/", two_factor.verify_view, name="two_factor_verify"),
        path("2fa/recovery/", two_factor.recovery_view, name="two_factor_recovery"),
        path("2fa/reset/<int:pk>/", two_factor.reset_view, name="two_factor_reset"),
    ]


@hooks.register("register_admin_urls")
def register_credit_urls():
    return [
        path("credit-rules/", credit.credit_rules_view, name="credit_rules"),
        path("credit-rules/edit/", credit.credit_rules_edit_view, name="credit_rules_edit"),
    ]


class CreditRulesMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, "console.read")


@hooks.register("register_settings_menu_item")
def register_credit_rules_item():
    return CreditRulesMenuItem(_("Credit rules"), reverse("credit_rules"), icon_name="list-ol", order=900)
