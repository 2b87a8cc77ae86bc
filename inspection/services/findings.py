"""Findings flow down (issue 17): a completed inspection's 不符合 items and uncorrected hazards become
one rectification order in supervision, through its services, with the items' articles as legal
basis and the Order 75 Art. 17 warning where an item's finding is Art. 17 conduct. Once per inspection."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.models import OrderSource, RectificationOrder
from supervision.services.enforcement import DEFAULT_DEADLINE_DAYS, OrderDraft, order_drafts, orders_issue_drafts

from ..articles import citation
from ..models import CheckResult, FindingConsequence, Inspection, InspectionStatus, RecordKind

# Order 75 Art. 10–12: the record a hazard was found in names the duty to deal with it (日管控 立即采取
# 防范措施; 周排查 排查治理; 月调度 风险隐患排查治理); one found on site falls under the daily control.
HAZARD_ARTICLE = {RecordKind.DAILY: "75-10", RecordKind.WEEKLY: "75-11", RecordKind.MONTHLY: "75-12", "": "75-10"}


def inspection_findings(inspection: Inspection):
    """(the 不符合 item checks, the hazards not corrected), in the record's order."""
    checks = list(inspection.checks.select_related("item_version").filter(result=CheckResult.NONCONFORM).order_by("position"))
    hazards = list(inspection.hazards.filter(corrected=False).order_by("recorded_at", "pk"))
    return checks, hazards


def inspection_order_draft(*, inspection: Inspection) -> OrderDraft:
    """The order the inspection's findings call for, as the preview shows it; a Chinese
    ValidationError where none may be issued."""
    if inspection.status != InspectionStatus.COMPLETED:
        raise ValidationError(_("Only a completed inspection leads to an order."))
    if inspection.order_id is not None:
        raise ValidationError(_("The order for this inspection has already been issued (%(number)s).") % {"number": inspection.order.number})
    checks, hazards = inspection_findings(inspection)
    if not checks and not hazards:
        raise ValidationError(_("Every item conforms and every hazard was corrected: no order is due."))
    facts = []
    for check in checks:
        facts.append(_("item %(n)s %(title)s does not conform%(note)s") % {
            "n": check.position, "title": check.item_version.title, "note": f"（{check.note}）" if check.note else ""})
    for hazard in hazards:
        where = RecordKind(hazard.record_kind).label if hazard.record_kind else _("on site")
        facts.append(_("a hazard found in the %(where)s was not corrected: %(hazard)s") % {"where": where, "hazard": hazard.description})
    articles = [c.item_version.article for c in checks] + [HAZARD_ARTICLE[h.record_kind or ""] for h in hazards]
    basis = "、".join(dict.fromkeys(citation(a) for a in articles))
    warning = any(c.item_version.consequence == FindingConsequence.ART17 for c in checks)
    draft = OrderDraft(
        unit=inspection.unit, reason=_("The on-site inspection of %(date)s found: %(facts)s.") % {
            "date": inspection.inspected_on.strftime("%Y-%m-%d") if inspection.inspected_on else "", "facts": "；".join(facts)}, legal_basis=basis[:255], source_kind=OrderSource.INSPECTION,
        source_id=inspection.pk, source_label=_("On-site inspection: %(plan)s") % {"plan": inspection.plan.title}, warning=warning,
    )
    return order_drafts([draft])[0]


@transaction.atomic
def inspection_order_issue(*, actor, inspection: Inspection, deadline_days: int = DEFAULT_DEADLINE_DAYS) -> RectificationOrder:
    """Issue the inspection's order (and the Art. 17 warning with it where due), and keep it on the inspection."""
    authorize(actor, "order.change", inspection.unit)
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related("unit__county", "plan", "order").get(pk=inspection.pk)
    draft = inspection_order_draft(inspection=inspection)
    (order,) = orders_issue_drafts(actor=actor, drafts=[draft], deadline_days=deadline_days)
    inspection.order = order
    inspection.save(update_fields=["order"])
    log(instance=inspection, action="inspection.order", user=actor, data={
        "order": {"old": None, "new": order.number}, "warning": draft.with_warning, "legal_basis": order.legal_basis,
    })
    return order
