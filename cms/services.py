"""Public-site set-up that must hold on every database: one home page, the default site on it."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from assessment import verify_draw

from .models import HomePage

HOME_TITLE = "工业产品质量安全监管信息公开"


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The home page, created under the tree's root if missing (the migration creates it; a
    flushed test database or a hand-deleted page does not have it)."""
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=""))
        from supervision.roles import roles_sync

        roles_sync()  # the roles' page permissions hang on the home page
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="质量安全监管")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


# --- publishing results (信息公开) ---------------------------------------------------------------

RESULTS_INDEX_TITLE = "监督抽查考核结果公示"
WORKFLOW_NAME = "信息公开审核"
APPROVERS_GROUP = "审核人"


@transaction.atomic
def results_index_ensure():
    """The results index under the home page, with the approvers' workflow on it: every results
    page below is approved by an approver (审核人) before it goes live."""
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from .models import JurisdictionApprovalTask, ResultsIndexPage

    home = home_page_ensure()
    index = ResultsIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=ResultsIndexPage(title=RESULTS_INDEX_TITLE, slug="results",
                                                         intro="依据第75号令第十五条公布监督抽查考核结果。"))
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created or not workflow.workflow_tasks.exists():
        task = JurisdictionApprovalTask.objects.create(name="本辖区审核人审核")
        group, _ = Group.objects.get_or_create(name=APPROVERS_GROUP)
        task.groups.set([group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return index


def results_snapshot(plan) -> dict:
    """What the public page shows, frozen at publication: no ID numbers, no phones, masked names."""
    from assessment.charts import pass_rate_chart, score_chart
    from assessment.services.results import round_results

    outcome = round_results(plan)
    draw = plan.draws.filter(replaced_by__isnull=True).order_by("-drawn_at").first()
    statuses = rectification_statuses(plan)

    def rate(r):
        return {"label": r.label, "passed": r.passed, "total": r.total, "low": round(r.low, 4), "high": round(r.high, 4)}

    # Nothing decided yet: no rates and no rate charts, and the page says so (never 0 %).
    charts = {}
    if outcome.has_results:
        charts["chart-county"] = pass_rate_chart(outcome.by_county, "各县（区）单位合格率（含 95% 置信区间）")
        charts["chart-scores"] = score_chart(outcome.scores, outcome.pass_mark_percent)
    if statuses:
        charts["chart-rectification"] = rectification_chart(statuses)
    return {
        "plan": {"title": plan.title, "jurisdiction": plan.jurisdiction.name, "year": plan.year, "batch": plan.batch},
        "has_results": outcome.has_results,
        "absent_counts_as_failed": outcome.absent_counts_as_failed,
        "unit_counts": outcome.unit_counts,
        "people_counts": outcome.people_counts,
        "units": [
            {
                "name": u.name, "uscc": u.uscc, "county": u.county, "passed": u.passed, "outcome": u.outcome,
                "rectification": "" if u.outcome in ("passed", "pending") else statuses.get(u.unit_id, "rectifying"),
                "people": [{"name": p.name_masked, "role": p.role_label, "outcome": p.outcome} for p in u.people],
            }
            for u in outcome.units
        ],
        "overall_units": rate(outcome.overall_units),
        "overall_people": rate(outcome.overall_people),
        "by_county": [rate(r) for r in outcome.by_county],
        "by_role": [rate(r) for r in outcome.by_role],
        "county_test": outcome.county_test,
        "charts": charts,
        "draw": {
            "frame_sha256": draw.frame.sha256 if draw else "", "frame_size": draw.frame.size if draw else 0,
            "seed": draw.seed if draw else "", "sizes": draw.sizes if draw else {}, "method": draw.method if draw else "",
            "drawn_at": draw.drawn_at.isoformat() if draw else "", "code_sha256": draw.code_sha256 if draw else "",
            "redraw_reasons": [d.reason for d in plan.draws.exclude(reason="").order_by("drawn_at")],
        },
        "frame_csv": draw.frame.csv_text if draw else "",
        "examiner_frames": examiner_frames_snapshot(plan),
    }


def examiner_frames_snapshot(plan) -> list[dict]:
    """Each session's examiner frame as published beside the unit frame: the file, its hash, its
    pool and how many were drawn, so anyone can re-run the second random with the same seed."""
    return [
        {
            "session": session.pk, "name": session.name, "sha256": session.examiner_frame_sha256,
            "size": len(verify_draw.read_frame(session.examiner_frame_csv)), "drawn": len(session.assignments.all()),
            "pool": session.examiner_pool, "csv": session.examiner_frame_csv,
        }
        for session in plan.sessions.exclude(examiner_frame_sha256="").prefetch_related("assignments").order_by("starts_at", "pk")
    ]


RECTIFICATION_LABELS = {"rectifying": "整改中", "rectified": "已整改", "penalised": "已处罚"}


def rectification_statuses(plan) -> dict[int, str]:
    """Per failed unit: rectifying, rectified or penalised, from the register's orders."""
    from supervision.models import DecisionKind, OrderSource, OrderStatus, RectificationOrder

    statuses = {}
    orders = RectificationOrder.objects.filter(source_kind=OrderSource.ASSESSMENT, source_id=plan.pk).prefetch_related("decisions")
    for order in orders:
        if any(d.kind == DecisionKind.FINE for d in order.decisions.all()):
            statuses[order.unit_id] = "penalised"
        elif order.status == OrderStatus.VERIFIED:
            statuses[order.unit_id] = "rectified"
        else:
            statuses[order.unit_id] = "rectifying"
    return statuses


def rectification_chart(statuses: dict[int, str]) -> str:
    import plotly.graph_objects as go

    from assessment.charts import _layout

    labels = list(RECTIFICATION_LABELS)
    fig = go.Figure(go.Bar(x=[RECTIFICATION_LABELS[k] for k in labels], y=[sum(1 for v in statuses.values() if v == k) for k in labels], marker_color="#0b4f8a"))
    fig.update_yaxes(title="单位数")
    return _layout(fig, "不合格单位整改进度")


@transaction.atomic
def results_rectification_refresh(*, actor, plan):
    """The public page shows each failed unit's rectification status; an update is a new revision
    of the published page (approved like the first), never a rewrite."""
    from django.utils import timezone

    return results_publish(actor=actor, plan=plan, reason=f"整改状态更新（{timezone.localdate():%Y-%m-%d}）")


@transaction.atomic
def results_publish(*, actor, plan, reason: str = ""):
    """"Publish results" on a closed round: a ResultsPage draft (or, if the round is already
    published, a new revision with the reason for the correction), submitted to the approvers'
    workflow. Nothing is public until an approver approves."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.text import slugify
    from django.utils.translation import gettext as _
    from wagtail.log_actions import log

    from assessment.models import PlanStatus
    from supervision.scoping import user_can_edit

    from .models import ResultsPage

    if not user_can_edit(actor):
        raise PermissionDenied(_("You are not allowed to do this."))
    if plan.status != PlanStatus.CLOSED:
        raise ValidationError(_("Results are published once the round is closed."))
    index = results_index_ensure()
    page = ResultsPage.objects.filter(plan=plan).first()
    snapshot = results_snapshot(plan)
    if page is None:
        title = f"{plan.title}结果公示"
        page = index.add_child(instance=ResultsPage(
            title=title, slug=slugify(f"{plan.year}-{plan.batch}-{plan.pk}"), plan=plan, snapshot=snapshot, live=False,
        ))
    else:
        if not reason.strip():
            raise ValidationError(_("A published round is corrected only with a reason, shown on the page."))
        page = page.get_latest_revision_as_object()
        page.snapshot = snapshot
        page.correction_reason = reason.strip()
    revision = page.save_revision(user=actor, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None and not page.workflow_in_progress:
        workflow.start(page, actor)
    log(instance=plan, action="assessment.results_publish", user=actor, data={"page": page.pk, "revision": revision.pk, "reason": reason})
    return page
