"""Reads for the public site across published rounds: the search of their snapshots.

A page's own children (a bureau's rounds and notices, the index's rounds) are read by the page
(`cms/models.py`, as Wagtail pages do), which then calls this module: the dependency runs one way,
models to selectors, so neither imports the other inside a function."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment.selectors.results import ABSENT, FAILED, PASSED

if TYPE_CHECKING:  # for the annotations only: cms.models imports this module
    from .models import ResultsPage


def published_units_search(*, rounds: Iterable[ResultsPage], query: str, limit: int = 100) -> list[dict]:
    """Units of the published rounds whose name or USCC contains the query (substring: Chinese has
    no word boundaries for a full-text index to use)."""
    needle = query.upper()
    hits = []
    for page in rounds:
        for unit in page.snapshot.get("units", []):
            if needle in unit["name"].upper() or needle in unit["uscc"]:
                hits.append({"page": page, "unit": unit})
                if len(hits) >= limit:
                    return hits
    return hits


# --- 不合格单位名单: units that did not pass a round published in the last year (issue 18) -----------

@dataclass(frozen=True)
class FailedListWindow:
    """Which publication dates are on the list on `today`: a round first published on
    `earliest` … `today` (local dates) is listed; `since` and `until` are those days' bounds as
    moments, for the database filter on `first_published_at`."""

    earliest: date
    since: datetime
    until: datetime


def failed_list_window(*, today: date, days: int) -> FailedListWindow:
    """民法典 Art. 201: a period counted in days starts the day after the event, so a round
    published on day 0 is still listed on day `days` and gone on day `days` + 1."""
    earliest = today - timedelta(days=days)
    zone = timezone.get_current_timezone()
    return FailedListWindow(
        earliest=earliest,
        since=datetime.combine(earliest, time.min, tzinfo=zone),
        until=datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
    )


def listed_until(*, published_on: date, days: int) -> date:
    """The last day a unit of a round published on `published_on` is on the list."""
    return published_on + timedelta(days=days)


def unit_listed_as_failed(unit: dict, *, absent_counts_as_failed: bool) -> str | None:
    """"failed" or "absent" when the round's unit goes on the list, else None. 缺考 is listed only
    where the round counted absence as not passing (the plan's `absent_counts_as_failed`, kept in
    the snapshot): elsewhere the round's own page leaves the absent out of its pass rates, and a
    public list of failures must not say more than the round did. A snapshot from before outcomes
    were kept shows a unit that did not pass as 不合格, as its round page does."""
    outcome = unit.get("outcome") or (PASSED if unit.get("passed") else FAILED)
    if outcome == FAILED or (outcome == ABSENT and absent_counts_as_failed):
        return outcome
    return None


@dataclass(frozen=True)
class FailedUnitRow:
    """One line of the list: a unit of a round's latest published snapshot, no person."""

    round: ResultsPage
    name: str
    uscc: str
    county: str
    outcome: str  # "failed" or "absent"
    published_on: date
    listed_until: date
    rectification: str  # "rectifying", "rectified", "penalised" or ""


def failed_units_rows(*, rounds: Iterable[ResultsPage], days: int) -> list[FailedUnitRow]:
    """The units of `rounds` (live pages: their `snapshot` is the latest approved revision, so a
    correction replaces what it corrects) that go on the list, each round's in its page's order.
    The period runs from the round's first publication: a correction does not restart it."""
    rows = []
    for page in rounds:
        snapshot = page.snapshot or {}
        absent_counts = snapshot.get("absent_counts_as_failed") is True
        published_on = timezone.localdate(page.first_published_at)
        until = listed_until(published_on=published_on, days=days)
        for unit in snapshot.get("units", []):
            outcome = unit_listed_as_failed(unit, absent_counts_as_failed=absent_counts)
            if outcome is not None:
                rows.append(FailedUnitRow(
                    round=page, name=unit.get("name", ""), uscc=unit.get("uscc", ""), county=unit.get("county", ""),
                    outcome=outcome, published_on=published_on, listed_until=until, rectification=unit.get("rectification", ""),
                ))
    return rows


def failed_units_filter(rows: list[FailedUnitRow], *, query: str = "", county: str = "") -> list[FailedUnitRow]:
    """Rows whose unit name or USCC contains `query` (substring, case-insensitive: Chinese has no
    word boundaries) and, if given, whose county (district) is `county`."""
    needle = query.strip().upper()
    return [
        row for row in rows
        if (not needle or needle in row.name.upper() or needle in row.uscc.upper()) and (not county or row.county == county)
    ]


# --- what a bureau's staff may choose in Wagtail's page chooser (issue 15) -------------------------

def bureau_page_paths_in_scope(*, user) -> list[str]:
    """The tree paths of the bureau pages of the user's jurisdiction and the bureaus below it."""
    from supervision.scoping import user_jurisdiction

    from .models import BureauPage

    own = user_jurisdiction(user)
    if own is None:
        return []
    return list(BureauPage.objects.filter(jurisdiction__path__startswith=own.path).values_list("path", flat=True))


def pages_choosable_by(*, user, pages):
    """`pages` restricted to what the page chooser offers `user`: their bureaus' subtrees (drafts
    included: an operator links a notice to a draft of the same bureau before both go live) and the
    platform's shared pages (home, results index, regulations, the platform's notices) once live.
    Another bureau's pages are not offered, live or not: the bureau-pages middleware answers 404 on
    them, and a public page of theirs is linked by its address (external link)."""
    from django.db.models import Q
    from wagtail.models import Page

    from .models import BureauPage

    if user.is_active and user.is_superuser:
        return pages
    bureau_depth = 3  # root, home, bureau page (BureauPage.parent_page_types is the home page)
    bureau_paths = set(BureauPage.objects.values_list("path", flat=True))
    shared_tops = [path for path in Page.objects.filter(depth=bureau_depth).values_list("path", flat=True) if path not in bureau_paths]
    scope = Q(depth__lt=bureau_depth)
    for path in bureau_page_paths_in_scope(user=user):
        scope |= Q(path__startswith=path)
    for path in shared_tops:
        scope |= Q(path__startswith=path, live=True)
    return pages.filter(scope)


def page_chooser_search(*, user, pages, query: str):
    """The chooser's search: every term a substring of the title (or the draft's title). Wagtail's
    autocomplete matches whole index tokens, and Chinese has no spaces between words: "停电" never
    found "余杭区停电通知"."""
    from django.db.models import Q

    pages = pages_choosable_by(user=user, pages=pages)
    for term in query.split():
        pages = pages.filter(Q(title__icontains=term) | Q(draft_title__icontains=term))
    return pages.order_by("path")


def document_servable_to(*, document, user) -> bool:
    """A document is downloadable by the public once a live, public page links to it (Wagtail's
    reference index records the links of a page's saved content, not of its unpublished drafts);
    before that, only by the staff who may choose it (its bureau's, and the bureaus' above) and the
    platform admins. Another county's draft attachment is then a 404, as is an unlinked one."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(type(document))
    if user.is_authenticated and permission_policy.user_has_any_permission_for_instance(user, ["choose", "add", "change"], document):
        return True
    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(document), to_object_id=str(document.pk),
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)
    return Page.objects.live().public().filter(pk__in=[int(pk) for pk in page_ids if pk.isdigit()]).exists()


# --- inspection rounds awaiting publication (双随机、一公开) ----------------------------------------

# 《企业信息公示暂行条例》第七条: 抽查检查结果 are public 自产生之日起20个工作日内.
PUBLICATION_WORKING_DAYS = 20


@dataclass(frozen=True)
class InspectionPublicationRow:
    plan: object
    jurisdiction: str
    total: int
    open: int  # assigned or being recorded
    completed: int
    unpublished: int  # completed but on no live page yet
    deadline: date | None  # of the earliest unpublished one
    deadline_unknown: bool  # the holiday schedule does not cover the period yet
    overdue: bool


def inspection_publication_rows(*, user, today: date) -> list[InspectionPublicationRow]:
    """Per inspection plan in the user's scope with inspections: how many are open, done, and done
    but not yet public, with the publication deadline of the earliest of those (20 working days
    from its completion) and whether it has passed. A constant number of queries."""
    from assessment.models import PlanPurpose, SamplingPlan
    from inspection import selectors as inspection_selectors
    from supervision.scoping import scope_queryset
    from supervision.workdays import Calendar, working_days_after

    from .models import InspectionResultsPage

    plans = list(scope_queryset(SamplingPlan.objects.filter(purpose=PlanPurpose.INSPECTION), user=user)
                 .select_related("jurisdiction").order_by("jurisdiction__path", "-year", "-batch"))
    counts = inspection_selectors.inspection_counts(plans=plans)
    completed = inspection_selectors.completed_on_by_inspection(plans=plans)
    published: set[int] = set()
    for snapshot in InspectionResultsPage.objects.filter(plan__in=plans, live=True).values_list("snapshot", flat=True):
        published.update(snapshot.get("inspection_ids", []))
    rows, calendar = [], Calendar()
    for plan in plans:
        c = counts.get(plan.pk)
        if not c:
            continue
        waiting = sorted(day for pk, (plan_pk, day) in completed.items() if plan_pk == plan.pk and pk not in published)
        deadline, unknown = None, False
        if waiting:
            try:
                deadline = working_days_after(waiting[0], PUBLICATION_WORKING_DAYS, calendar=calendar)
            except ValidationError:
                unknown = True
        rows.append(InspectionPublicationRow(
            plan=plan, jurisdiction=plan.jurisdiction.name, total=c["total"],
            open=c["assigned"] + c["in_progress"], completed=c["completed"], unpublished=len(waiting),
            deadline=deadline, deadline_unknown=unknown, overdue=deadline is not None and today > deadline,
        ))
    return rows
