"""Public-site set-up that must hold on every database: one home page, the default site on it."""

import plotly.graph_objects as go
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Locale, Page, Site, Workflow, WorkflowPage, WorkflowTask

from assessment import selectors as assessment_selectors
from assessment import verify_draw
from assessment.charts import _layout, pass_rate_chart, score_chart
from assessment.models import PlanPurpose, PlanStatus
from assessment.services.purposes import assessment_only
from inspection import selectors as inspection_selectors
from supervision.models import DecisionKind, OrderSource, OrderStatus, RectificationOrder, StaffRole
from supervision.roles import ROLE_PAGE_PERMISSIONS, bureaus_sync
from supervision.authorization import authorize

from .models import BureauPage, HomePage, InspectionResultsPage, JurisdictionApprovalTask, ResultsIndexPage, ResultsPage

HOME_TITLE = gettext_lazy("Industrial product quality safety supervision: public information")


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The home page, created under the tree's root if missing (the migration creates it; a
    flushed test database or a hand-deleted page does not have it)."""
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title=str(HOME_TITLE), slug="home", intro=""))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=_("Quality safety supervision"))
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home


# --- publishing results (信息公开) ---------------------------------------------------------------

RESULTS_INDEX_TITLE = gettext_lazy("Results of supervisory spot-check assessments")
# Names stored in the database and looked up by name (with the bureau's code): data, not
# messages, so they stay the same whatever language the request runs in.
WORKFLOW_NAME = "信息公开审核"
TASK_NAME = "本辖区审核人审核"


@transaction.atomic
def results_index_ensure():
    """The results index under the home page: every bureau's published rounds in one list with
    one search. The rounds themselves live in their bureau's subtree (`bureau_page_ensure`)."""
    home = home_page_ensure()
    index = ResultsIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=ResultsIndexPage(title=str(RESULTS_INDEX_TITLE), slug="results",
                                                         intro=_("Results of supervisory assessments, published under Article 15 of SAMR Order No. 75.")))
    WorkflowPage.objects.filter(page=index).delete()  # the rounds' workflows are their bureaus'
    return index


# --- each bureau's page subtree (issue 15) -------------------------------------------------------

def bureau_title(jurisdiction) -> str:
    return _("%(bureau)s market regulation bureau: public information") % {"bureau": jurisdiction.name}


def _bureau_page_create(home, jurisdiction):
    page = home.add_child(instance=BureauPage(
        title=bureau_title(jurisdiction), slug=jurisdiction.code, jurisdiction=jurisdiction,
        intro=_("This bureau's published assessment results and notices."),
    ))
    page.save_revision(log_action=False).publish(log_action=False)
    return page


@transaction.atomic
def bureau_page_ensure(jurisdiction):
    """The bureau's own page (/<division code>/), where its results and notices live, created with
    its groups' page permissions and its approval workflow if it does not exist yet."""
    page = BureauPage.objects.filter(jurisdiction=jurisdiction).first()
    if page is None:
        page = _bureau_page_create(home_page_ensure(), jurisdiction)
        bureaus_sync()  # the groups of its bureau and the bureaus above get their permissions on it
    return page


PAGE_PERMISSION_CODENAMES = ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page")


@transaction.atomic
def bureau_pages_sync(bureaus: dict) -> None:
    """Registered with `supervision.roles.roles_sync`: for every bureau (`bureaus` is
    {jurisdiction: {role: group}}, the bureaus with staff), its page under the home page; on each
    bureau page, the page permissions of the groups of that bureau and of the bureaus above it
    (`ROLE_PAGE_PERMISSIONS`), and nobody else's; and its approval workflow, whose task is carried
    by the approvers of that bureau and of the bureaus above it."""
    home = home_page_ensure()
    pages = {page.jurisdiction_id: page for page in BureauPage.objects.select_related("jurisdiction")}
    for jurisdiction in bureaus:
        if jurisdiction.pk not in pages:
            pages[jurisdiction.pk] = _bureau_page_create(home, jurisdiction)
    perms = {p.codename: p.pk for p in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSION_CODENAMES)}
    wanted = set()
    for page in pages.values():
        for jurisdiction, groups in bureaus.items():
            if page.jurisdiction.path.startswith(jurisdiction.path):
                for role, group in groups.items():
                    wanted |= {(group.pk, page.pk, perms[c]) for c in ROLE_PAGE_PERMISSIONS[role] if c in perms}
    group_ids = {group.pk for groups in bureaus.values() for group in groups.values()}
    have = {}
    for grant in GroupPagePermission.objects.filter(group_id__in=group_ids):
        have[(grant.group_id, grant.page_id, grant.permission_id)] = grant.pk
    GroupPagePermission.objects.filter(pk__in=[pk for key, pk in have.items() if key not in wanted]).delete()
    GroupPagePermission.objects.bulk_create([GroupPagePermission(group_id=g, page_id=p, permission_id=c)
                                             for g, p, c in sorted(wanted - set(have))])
    for page in pages.values():
        approvers = [groups[StaffRole.APPROVER] for jurisdiction, groups in bureaus.items()
                     if page.jurisdiction.path.startswith(jurisdiction.path)]
        _bureau_workflow_ensure(page, approvers)


def bureau_collection_name(jurisdiction) -> str:
    return f"{jurisdiction.name}（{jurisdiction.code}）"


@transaction.atomic
def bureau_collections_sync(bureaus: dict) -> None:
    """Registered with `supervision.roles.roles_sync`: for every bureau, its collection of images
    and documents under the root collection (flat, like the bureau pages); on each, the collection
    permissions of the groups of that bureau and of the bureaus above it
    (`ROLE_COLLECTION_PERMISSIONS`), and nobody else's. The root collection stays the platform
    admins' (superusers, who need no grant)."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    from supervision.roles import ROLE_COLLECTION_PERMISSIONS

    from .models import BureauCollection

    links = {link.jurisdiction_id: link for link in BureauCollection.objects.select_related("jurisdiction", "collection")}
    # Wagtail's migration makes the root collection; a flushed database (the browser tests') has none.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for jurisdiction in bureaus:
        if jurisdiction.pk not in links:
            collection = root.add_child(instance=Collection(name=bureau_collection_name(jurisdiction)))
            links[jurisdiction.pk] = BureauCollection.objects.create(jurisdiction=jurisdiction, collection=collection)
    names = {name for names in ROLE_COLLECTION_PERMISSIONS.values() for name in names}
    perms = {f"{p.content_type.app_label}.{p.codename}": p.pk
             for p in Permission.objects.filter(content_type__app_label__in={n.split(".")[0] for n in names}).select_related("content_type")}
    wanted = set()
    for link in links.values():
        for jurisdiction, groups in bureaus.items():
            if link.jurisdiction.path.startswith(jurisdiction.path):
                for role, group in groups.items():
                    wanted |= {(group.pk, link.collection_id, perms[n]) for n in ROLE_COLLECTION_PERMISSIONS[role] if n in perms}
    group_ids = {group.pk for groups in bureaus.values() for group in groups.values()}
    have = {(g.group_id, g.collection_id, g.permission_id): g.pk for g in GroupCollectionPermission.objects.filter(group_id__in=group_ids)}
    GroupCollectionPermission.objects.filter(pk__in=[pk for key, pk in have.items() if key not in wanted]).delete()
    GroupCollectionPermission.objects.bulk_create([GroupCollectionPermission(group_id=g, collection_id=c, permission_id=p)
                                                   for g, c, p in sorted(wanted - set(have))])


def _bureau_workflow_ensure(page, approver_groups) -> None:
    code = page.jurisdiction.code
    workflow, _created = Workflow.objects.get_or_create(name=f"{WORKFLOW_NAME}·{code}", defaults={"active": True})
    link = workflow.workflow_tasks.select_related("task").first()
    if link is None:
        task = JurisdictionApprovalTask.objects.create(name=f"{TASK_NAME}·{code}")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        task = link.task.specific
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    if set(task.groups.values_list("pk", flat=True)) != {g.pk for g in approver_groups}:
        task.groups.set(approver_groups)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def results_snapshot(plan) -> dict:
    """What the public page shows, frozen at publication: no ID numbers, no phones, masked names."""
    outcome = assessment_selectors.round_results(plan=plan)
    draw = assessment_selectors.draw_current(plan=plan)
    statuses = rectification_statuses(plan)

    def rate(r):
        return {"label": r.label, "passed": r.passed, "total": r.total, "low": round(r.low, 4), "high": round(r.high, 4)}

    # Nothing decided yet: no rates and no rate charts, and the page says so (never 0 %).
    charts = {}
    if outcome.has_results:
        charts["chart-county"] = pass_rate_chart(outcome.by_county, _("Pass rate of units by county (district), with 95 percent intervals"))
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


RECTIFICATION_LABELS = {"rectifying": gettext_lazy("Rectifying"), "rectified": gettext_lazy("Rectified"), "penalised": gettext_lazy("Penalised")}


def _order_status(order) -> str:
    """What the public page says of an order: rectifying, rectified or penalised."""
    if any(d.kind == DecisionKind.FINE for d in order.decisions.all()):
        return "penalised"
    return "rectified" if order.status == OrderStatus.VERIFIED else "rectifying"


def rectification_statuses(plan) -> dict[int, str]:
    """Per failed unit: rectifying, rectified or penalised, from the register's orders."""
    orders = RectificationOrder.objects.filter(source_kind=OrderSource.ASSESSMENT, source_id=plan.pk).prefetch_related("decisions")
    return {order.unit_id: _order_status(order) for order in orders}


def rectification_chart(statuses: dict[int, str]) -> str:
    labels = list(RECTIFICATION_LABELS)
    fig = go.Figure(go.Bar(x=[str(RECTIFICATION_LABELS[k]) for k in labels], y=[sum(1 for v in statuses.values() if v == k) for k in labels], marker_color="#0b4f8a"))
    fig.update_yaxes(title=_("number of units"))
    return _layout(fig, _("Rectification of the units that did not pass"))


@transaction.atomic
def results_rectification_refresh(*, actor, plan):
    """The public page shows each failed unit's rectification status; an update is a new revision
    of the published page (approved like the first), never a rewrite."""
    return results_publish(actor=actor, plan=plan, reason=_("Rectification statuses updated (%(date)s)") % {"date": f"{timezone.localdate():%Y-%m-%d}"})


def _round_page_to_approvers(*, actor, plan, page, snapshot: dict, reason: str, new, reason_needed: str):
    """A round's page (`page`, or `new()` in the round's bureau's subtree) with `snapshot` as a new
    revision, sent to the bureau's approval workflow; a page already there changes only with a reason."""
    if page is None:
        page = bureau_page_ensure(plan.jurisdiction).add_child(instance=new())
    else:
        if not reason.strip():
            raise ValidationError(reason_needed)
        page = page.get_latest_revision_as_object()
        page.snapshot = snapshot
        page.correction_reason = reason.strip()
    revision = page.save_revision(user=actor, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None and not page.workflow_in_progress:
        workflow.start(page, actor)
    return page, revision


@transaction.atomic
def results_publish(*, actor, plan, reason: str = ""):
    """"Publish results" on a closed round: a ResultsPage draft (or, if the round is already
    published, a new revision with the reason for the correction), submitted to the approvers'
    workflow. Nothing is public until an approver approves."""
    authorize(actor, "plan.change", plan)
    assessment_only(plan)
    if plan.status != PlanStatus.CLOSED:
        raise ValidationError(_("Results are published once the round is closed."))
    results_index_ensure()
    page = ResultsPage.objects.filter(plan=plan).first()
    snapshot = results_snapshot(plan)
    page, revision = _round_page_to_approvers(
        actor=actor, plan=plan, page=page, snapshot=snapshot, reason=reason,
        new=lambda: ResultsPage(title=_("%(plan)s: results") % {"plan": plan.title},
                                slug=slugify(f"{plan.year}-{plan.batch}-{plan.pk}"), plan=plan, snapshot=snapshot, live=False),
        reason_needed=_("A published round is corrected only with a reason, shown on the page."),
    )
    log(instance=plan, action="assessment.results_publish", user=actor, data={"page": page.pk, "revision": revision.pk, "reason": reason})
    return page


# --- publishing an inspection round's results (双随机、一公开) ----------------------------------------

def inspection_results_snapshot(plan) -> dict:
    """What the public page of an inspection round shows, frozen at publication: per completed
    inspection the unit, the date, how many items were inspected and found wanting, the hazards
    and whether they were corrected, and the rectification; no inspectors' or representatives'
    names. The draw is shown as on an assessment round's page, so anyone can re-run it."""
    outcomes = inspection_selectors.inspections_completed(plan=plan)
    order_ids = [o.order_id for o in outcomes if o.order_id]
    orders = {o.pk: o for o in RectificationOrder.objects.filter(pk__in=order_ids).prefetch_related("decisions")}
    draw = assessment_selectors.draw_current(plan=plan)
    return {
        "kind": "inspection",
        "plan": {"title": plan.title, "jurisdiction": plan.jurisdiction.name, "year": plan.year, "batch": plan.batch},
        "items": inspection_selectors.round_items(plan=plan),
        "inspection_ids": [o.inspection_id for o in outcomes],
        "units": [
            {
                "kind": "inspection", "name": o.name, "uscc": o.uscc, "county": o.county,
                "inspected_on": o.inspected_on.isoformat() if o.inspected_on else o.completed_on.isoformat(),
                "checked": o.checked, "nonconforming": o.nonconforming, "hazards": o.hazards, "uncorrected": o.uncorrected,
                "has_findings": o.has_findings,
                "rectification": _order_status(orders[o.order_id]) if o.order_id in orders else ("pending" if o.has_findings else ""),
            }
            for o in outcomes
        ],
        "counts": {
            "inspected": len(outcomes),
            "with_findings": sum(1 for o in outcomes if o.has_findings),
        },
        "draw": {
            "frame_sha256": draw.frame.sha256 if draw else "", "frame_size": draw.frame.size if draw else 0,
            "seed": draw.seed if draw else "", "sizes": draw.sizes if draw else {}, "method": draw.method if draw else "",
            "drawn_at": draw.drawn_at.isoformat() if draw else "",
        },
    }


@transaction.atomic
def inspection_results_publish(*, actor, plan, reason: str = ""):
    """"Publish results" of an inspection round: an InspectionResultsPage draft with the inspections
    completed so far (or, once published, a new revision with its reason: later inspections, a
    rectification), sent to the approvers' workflow like an assessment round's results. Nothing is
    public until an approver approves. 《企业信息公示暂行条例》第七条: within 20 working days of
    each inspection's end; the dashboard shows the deadline."""
    authorize(actor, "plan.change", plan)
    if plan.purpose != PlanPurpose.INSPECTION:
        raise ValidationError(_("This is not an inspection plan."))
    snapshot = inspection_results_snapshot(plan)
    if not snapshot["units"]:
        raise ValidationError(_("No inspection of this round is completed yet: there is nothing to publish."))
    results_index_ensure()
    page = InspectionResultsPage.objects.filter(plan=plan).first()
    page, revision = _round_page_to_approvers(
        actor=actor, plan=plan, page=page, snapshot=snapshot, reason=reason,
        new=lambda: InspectionResultsPage(title=_("%(plan)s: inspection results") % {"plan": plan.title},
                                          slug=slugify(f"inspection-{plan.year}-{plan.batch}-{plan.pk}"), plan=plan, snapshot=snapshot, live=False),
        reason_needed=_("A published round is updated only with a reason, shown on the page (for example: inspections completed since)."),
    )
    log(instance=plan, action="inspection.results_publish", user=actor, data={
        "page": page.pk, "revision": revision.pk, "reason": reason, "inspections": snapshot["inspection_ids"],
    })
    return page
