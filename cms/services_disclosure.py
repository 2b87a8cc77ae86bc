"""行政处罚信息公示 on the public site: a fine's disclosure page, drafted for the bureau's approvers
and public when they approve; taken down when supervision withdraws the disclosure.

The states and the rules (SAMR Order 45, 行政处罚法 Art. 48) are supervision's
(`supervision.services.disclosure`); this module makes and takes down the page and tells
supervision when the page goes live (Wagtail's `page_published`, connected in `cms/apps.py`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page

from supervision.authorization import authorize
from supervision.models import BureauLegalSettings, DisclosureStatus, PenaltyDecision, PenaltyDisclosure
from supervision.services import disclosure as disclosure_service

from .models import PenaltyDisclosurePage
from .services import bureau_page_ensure, results_index_ensure


def disclosure_authority(decision: PenaltyDecision) -> str:
    """The deciding authority as its documents name it (the bureau's legal settings), else the county's bureau."""
    legal = BureauLegalSettings.objects.filter(jurisdiction_id=decision.unit.county_id).first()
    if legal is not None and legal.bureau_name:
        return legal.bureau_name
    return _("%(county)s Administration for Market Regulation") % {"county": decision.unit.county.name}


def disclosure_page_values(decision: PenaltyDecision) -> dict:
    """What Order 45 Art. 4 discloses, from the decision: no person's name (Art. 6)."""
    return {
        "title": _("Administrative penalty disclosure: %(number)s") % {"number": decision.number},
        "document_number": decision.number,
        "unit_name": decision.unit.name,
        "uscc": decision.unit.uscc,
        "violation": decision.facts,
        "legal_basis": decision.legal_basis,
        "penalty": _("A fine of %(amount)s yuan") % {"amount": f"{decision.fine_yuan:,}"},
        "decided_on": decision.decided_on,
        "authority": disclosure_authority(decision),
    }


@transaction.atomic
def penalty_disclosure_publish(*, actor, decision: PenaltyDecision) -> PenaltyDisclosurePage:
    """"Disclose" on a fine: its page drafted in the unit's county's subtree and sent to the
    approvers' workflow; nothing is public until an approver approves (Order 45 Art. 8: within 20
    working days of the decision; the console's list shows the day)."""
    authorize(actor, "disclosure.draft", decision.unit)
    decision = PenaltyDecision.objects.select_related("unit__county", "order").get(pk=decision.pk)
    disclosure_service.disclosure_check(decision=decision)
    results_index_ensure()
    values = disclosure_page_values(decision)
    page = bureau_page_ensure(decision.unit.county).add_child(instance=PenaltyDisclosurePage(
        slug=f"penalty-{decision.pk}", decision=decision, live=False, owner=actor, **values,
    ))
    page.save_revision(user=actor, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, actor)
    disclosure_service.disclosure_draft(actor=actor, decision=decision, page_id=page.pk)
    return page


def on_page_published(sender, instance, **kwargs):
    """An approver approved (or someone published) a disclosure page: the disclosure is public
    from today and its period runs. A withdrawn one cannot be published (the page's tester)."""
    disclosure = PenaltyDisclosure.objects.filter(page_id=instance.pk).first()
    if disclosure is None or disclosure.status == DisclosureStatus.WITHDRAWN:
        return
    disclosure_service.disclosure_mark_published(disclosure=disclosure, on=timezone.localdate())


def on_disclosure_withdrawn(sender, disclosure, actor=None, **kwargs):
    """Supervision withdrew the disclosure: the page comes down (and a draft leaves its workflow),
    marked withdrawn so nobody publishes it again."""
    if disclosure.page_id is None:
        return
    page = Page.objects.filter(pk=disclosure.page_id).first()
    if page is None:
        return
    page = page.specific
    page.withdrawn = True  # on the instance too: unpublishing saves it
    PenaltyDisclosurePage.objects.filter(pk=page.pk).update(withdrawn=True)
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=actor)
    if page.live:
        # The seam decided (disclosure.withdraw); Wagtail's page permissions are not asked again.
        UnpublishPageAction(page, user=actor, log_action=True).execute(skip_permission_checks=True)
