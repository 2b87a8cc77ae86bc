"""Closing an on-site inspection round (Order 75 Art. 14, under 双随机、一公开).

A round is closed when every drawn unit has been inspected (both inspectors signed, the unit's
answer recorded) or withdrawn from the draw: nothing more is drawn or recorded for it. Its results
stay publishable (and a published page can still be updated with rectification statuses), and the
next round of the same jurisdiction recuses its inspectors unit by unit (`inspectors_recused`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.log_actions import log

from assessment.models import PlanStatus, SamplingPlan
from supervision.authorization import authorize

from ..models import Inspection
from ..selectors import round_close_problems


@transaction.atomic
def inspection_round_close(*, actor, plan: SamplingPlan) -> SamplingPlan:
    """结束本轮检查: refused, with every reason, while a drawn unit is not inspected."""
    authorize(actor, "plan.change", plan)
    plan = SamplingPlan.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=plan.pk)
    problems = round_close_problems(plan=plan)
    if problems:
        raise ValidationError(" ".join(problems))
    counts = {}
    for status in Inspection.objects.filter(plan=plan).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    old = plan.status
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    log(instance=plan, action="inspection.round_close", user=actor, data={"from": old, "to": plan.status, "inspections": counts})
    return plan
