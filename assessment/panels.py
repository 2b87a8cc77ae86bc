"""The dashboard panel of the 抽查考核 side: recent rounds and the pass-rate trend."""

from django.utils.translation import gettext as _

from supervision.panels import DashboardPanel
from supervision.scoping import scope_queryset

from .charts import pass_rate_chart
from .models import PlanPurpose, PlanStatus, SamplingPlan
from .selectors import rounds_people_rates

TREND_ROUNDS = 6


class RoundsPanel(DashboardPanel):
    name = "rounds"
    order = 20
    template_name = "assessment/panels/rounds.html"

    def panel_context(self, *, user) -> dict:
        # Exam rounds only: an inspection round has no pass rate (its dashboard is the inspection app's).
        plans = list(scope_queryset(SamplingPlan.objects.filter(purpose=PlanPurpose.ASSESSMENT).select_related("jurisdiction"),
                                    user=user).order_by("-year", "-batch", "-pk")[:10])
        finished = [p for p in plans if p.status in (PlanStatus.DRAWN, PlanStatus.CLOSED)][:TREND_ROUNDS]
        # One query for every round's rate, whatever their number. A round with no submitted
        # attempt has no rate: it is left off, not drawn as 0 %.
        by_plan = rounds_people_rates(plans=finished)
        rates = []
        for plan in reversed(finished):
            rate = by_plan.get(plan.pk)
            if rate is not None and rate.total:
                rate.label = f"{plan.year}-{plan.batch} {plan.jurisdiction.name}"
                rates.append(rate)
        chart = pass_rate_chart(rates, _("Pass rate of assessed people by round, with 95 percent intervals")) if rates else None
        return {"plans": plans, "chart": chart}
