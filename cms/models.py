from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page, PagePermissionTester

from assessment import verify_draw
from supervision.scoping import user_jurisdiction

from .selectors import failed_list_window, failed_units_filter, failed_units_rows, published_units_search

FAILED_UNITS_PER_PAGE = 50


class HomePage(Page):
    """门户首页: the public site's home, the root of results, notices and regulations."""

    intro = models.CharField(_("Introduction"), max_length=255, blank=True)
    body = RichTextField(_("Body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("Home page")


class ResultsIndexPage(RoutablePageMixin, Page):
    """结果公示: the published rounds of every bureau, by jurisdiction and year, with a search across
    them by unit name or USCC (substring matching, which works for Chinese; Wagtail's index does not
    segment it). The rounds themselves live in their bureau's subtree (`BureauPage`). At `failed/`,
    不合格单位名单: the units that did not pass a round published in the last
    `FAILED_UNITS_LIST_DAYS` days."""

    intro = models.CharField(_("Introduction"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("results index")

    def published_rounds(self) -> list["ResultsPage"]:
        """Every bureau's published rounds on the index's site (they live in the bureaus' subtrees)."""
        return list(ResultsPage.objects.descendant_of(self.get_parent()).live().public().order_by("-first_published_at"))

    def published_inspection_rounds(self) -> list["InspectionResultsPage"]:
        return list(InspectionResultsPage.objects.descendant_of(self.get_parent()).live().public().order_by("-first_published_at"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:60]
        rounds = self.published_rounds()
        inspection_rounds = self.published_inspection_rounds()
        context["rounds"] = rounds
        context["inspection_rounds"] = inspection_rounds
        context["query"] = query
        context["hits"] = published_units_search(rounds=[*rounds, *inspection_rounds], query=query) if query else []
        context["penalty_hits"] = self.published_penalties(query) if query else []
        return context

    def published_penalties(self, query: str, limit: int = 100) -> list["PenaltyDisclosurePage"]:
        """The live penalty disclosures whose unit name or USCC contains the query (substring)."""
        pages = PenaltyDisclosurePage.objects.descendant_of(self.get_parent()).live().public()
        return list(pages.filter(Q(uscc__icontains=query) | Q(unit_name__icontains=query)).order_by("-decided_on", "-pk")[:limit])

    def listing_bureaus(self) -> list["BureauPage"]:
        """The bureaus of the index's site whose rounds the public can read."""
        return list(BureauPage.objects.child_of(self.get_parent()).live().public().select_related("jurisdiction").order_by("jurisdiction__path"))

    def failed_list_rounds(self, *, today, bureau: "BureauPage | None" = None) -> list["ResultsPage"]:
        """The live, public rounds (of one bureau, or of every bureau of the site) first published
        within the list's period on `today`: the others are not read at all."""
        window = failed_list_window(today=today, days=settings.FAILED_UNITS_LIST_DAYS)
        pages = ResultsPage.objects.descendant_of(bureau or self.get_parent()).live().public()
        pages = pages.filter(first_published_at__gte=window.since, first_published_at__lt=window.until)
        return list(pages.order_by("-first_published_at", "-pk"))

    @path("failed/")
    def failed_units(self, request):
        """不合格单位名单, filtered by bureau (its division code) and county, searched by name or USCC,
        50 a page. An unknown bureau is a 400 that says so, never a silent full list."""
        today = timezone.localdate()
        bureaus = self.listing_bureaus()
        code = request.GET.get("bureau", "").strip()
        bureau = next((b for b in bureaus if b.jurisdiction.code == code), None)
        error = _("No bureau with this code publishes results here.") if code and bureau is None else ""
        query = request.GET.get("q", "").strip()[:60]
        county = request.GET.get("county", "").strip()[:60]
        rows = [] if error else failed_units_rows(rounds=self.failed_list_rounds(today=today, bureau=bureau), days=settings.FAILED_UNITS_LIST_DAYS)
        counties = sorted({row.county for row in rows if row.county})
        listed = failed_units_filter(rows, query=query, county=county)
        context = super().get_context(request)
        context.update({
            "today": today, "days": settings.FAILED_UNITS_LIST_DAYS, "bureaus": bureaus, "bureau": bureau,
            "query": query, "county": county, "counties": counties, "error": error, "filtered": bool(query or county or bureau),
            "page_obj": Paginator(listed, FAILED_UNITS_PER_PAGE).get_page(request.GET.get("p")), "total": len(listed),
        })
        return TemplateResponse(request, "cms/failed_units_list.html", context, status=400 if error else 200)


def page_bureau_jurisdiction(page):
    """The bureau a page belongs to: the jurisdiction of its `BureauPage` (itself or an ancestor),
    or None for the platform's own pages (home, regulations, the results index)."""
    own = getattr(page, "bureau_jurisdiction", None)
    if own is not None:
        return own()
    bureau = BureauPage.objects.ancestor_of(page, inclusive=True).select_related("jurisdiction").first()
    return bureau.jurisdiction if bureau else None


def page_in_scope_of(page, user) -> bool:
    """A bureau's page belongs to its staff (and the bureaus above); the platform's own pages to
    platform admins."""
    if user.is_superuser:
        return True
    bureau = page_bureau_jurisdiction(page)
    own = user_jurisdiction(user)
    return bureau is not None and own is not None and bureau.path.startswith(own.path)


class BureauPermissionTester(PagePermissionTester):
    """Wagtail's tester from the groups' page permissions (granted per bureau subtree), with two
    holes closed: another bureau's page gets no permission at all even if a grant were wrong, and
    revisions are for those who may edit (Wagtail shows any page's revisions to anyone)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser and not page_in_scope_of(page, user):
            self.permissions = set()
            self.out_of_scope = True
        else:
            self.out_of_scope = False

    def can_edit(self):
        return not self.out_of_scope and super().can_edit()

    def can_lock(self):
        return not self.out_of_scope and super().can_lock()

    def can_unlock(self):
        return not self.out_of_scope and super().can_unlock()

    def can_view_revisions(self):
        return self.can_edit() or self.can_publish()


class BureauOwnedPage(Page):
    """A page of a bureau's subtree: every page action asks `BureauPermissionTester`."""

    class Meta:
        abstract = True

    def in_scope_of(self, user) -> bool:
        return page_in_scope_of(self, user)

    def permissions_for_user(self, user):
        # Wagtail asks this one method for every page action (edit, publish, bulk actions,
        # unpublish, delete, copy, move, revisions, view draft).
        return BureauPermissionTester(user, self)


class BureauPage(BureauOwnedPage):
    """本局信息公开: one bureau's own part of the public site, at /<division code>/. Its results and
    notices live below it, and the bureau's staff groups get their page permissions and the bureau's
    approval workflow on it (`cms.services.bureau_pages_sync`), so nothing they do reaches another
    bureau's pages, and nothing below it goes live without the bureau's approvers."""

    jurisdiction = models.OneToOneField("supervision.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name=_("Jurisdiction"))
    intro = models.CharField(_("Introduction"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResultsPage", "cms.InspectionResultsPage", "cms.PenaltyDisclosurePage", "cms.NoticePage"]
    is_creatable = False  # one per bureau, made with the bureau's staff groups

    class Meta:
        verbose_name = _("bureau page")

    def published_rounds(self) -> list["ResultsPage"]:
        return list(ResultsPage.objects.child_of(self).live().public().order_by("-first_published_at"))

    def published_notices(self) -> list["NoticePage"]:
        return list(NoticePage.objects.child_of(self).live().public().order_by("-date", "-pk"))

    def published_inspection_rounds(self) -> list["InspectionResultsPage"]:
        return list(InspectionResultsPage.objects.child_of(self).live().public().order_by("-first_published_at"))

    def published_disclosures(self) -> list["PenaltyDisclosurePage"]:
        return list(PenaltyDisclosurePage.objects.child_of(self).live().public().order_by("-decided_on", "-pk"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["rounds"] = self.published_rounds()
        context["inspection_rounds"] = self.published_inspection_rounds()
        context["disclosures"] = self.published_disclosures()
        context["notices"] = self.published_notices()
        context["results_index"] = ResultsIndexPage.objects.child_of(self.get_parent()).live().public().first()
        return context

    def bureau_jurisdiction(self):
        return self.jurisdiction


class BureauCollection(models.Model):
    """本局图片和文档: the Wagtail collection of one bureau's images and documents, beside its page
    subtree. Its groups (and those of the bureaus above) hold their collection permissions on it
    only (`cms.services.bureau_collections_sync`), so an operator uploads and chooses their own
    bureau's images and documents and sees no other bureau's; the root collection is the
    platform's (platform admins)."""

    jurisdiction = models.OneToOneField("supervision.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name=_("Jurisdiction"))
    collection = models.OneToOneField("wagtailcore.Collection", on_delete=models.PROTECT, related_name="+", verbose_name=_("collection"))

    class Meta:
        verbose_name = _("bureau collection")

    def __str__(self):
        return self.collection.name


class RoundResultsPage(BureauOwnedPage):
    """A round's public results, as a snapshot taken at publication: later changes to the data
    never rewrite it; a correction is a new revision with its reason shown on the page. Made by the
    publish services only (`cms.services`), in the round's bureau's subtree."""

    plan = models.ForeignKey("assessment.SamplingPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plan"))
    snapshot = models.JSONField(_("published results"), default=dict)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("correction_reason")]
    parent_page_types = ["cms.BureauPage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        abstract = True

    def bureau_jurisdiction(self):
        """The bureau whose subtree holds the page (where the publish service puts the round's
        page); a page outside every bureau's subtree belongs to its round's bureau."""
        bureau = BureauPage.objects.ancestor_of(self).select_related("jurisdiction").first()
        if bureau is not None:
            return bureau.jurisdiction
        return self.plan.jurisdiction if self.plan_id is not None else None


class ResultsPage(RoutablePageMixin, RoundResultsPage):
    """考核结果公示: one published assessment round (`cms.services.results_publish`)."""

    class Meta:
        verbose_name = _("results page")

    @path("frame/")
    def frame_file(self, request):
        # Wagtail page paths allow no dot, so the file name comes in Content-Disposition.
        response = HttpResponse(self.snapshot.get("frame_csv", ""), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="frame-{self.slug}.csv"'
        return response

    @path("examiners/<int:session_pk>/")
    def examiner_frame_file(self, request, session_pk: int):
        frame = next((f for f in self.snapshot.get("examiner_frames", []) if f["session"] == session_pk), None)
        if frame is None:
            raise Http404
        response = HttpResponse(frame["csv"], content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="examiners-{self.slug}-{session_pk}.csv"'
        return response

    @path("verify-draw/")
    def verify_script(self, request):
        response = HttpResponse(Path(verify_draw.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
        return response


class InspectionResultsPage(RoundResultsPage):
    """现场检查结果公示: one inspection round's results (双随机、一公开; `cms.services.
    inspection_results_publish`): unit, items inspected, result, rectification status, and how the
    units were drawn; no personal data (no inspectors' or representatives' names). Results are public
    within 20 working days of each inspection's end (《企业信息公示暂行条例》第七条; the console's
    dashboard counts the days, `cms.selectors.inspection_publication_rows`)."""

    class Meta:
        verbose_name = _("inspection results page")


class DisclosurePermissionTester(BureauPermissionTester):
    """A withdrawn disclosure (信用修复, its period ended, the decision changed) stays down: nobody
    edits or publishes it again; a new decision gets its own page."""

    def _withdrawn(self) -> bool:
        return getattr(self.page.specific_deferred, "withdrawn", False)

    def can_edit(self):
        return not self._withdrawn() and super().can_edit()

    def can_publish(self):
        return not self._withdrawn() and super().can_publish()

    def can_submit_for_moderation(self):
        return not self._withdrawn() and super().can_submit_for_moderation()


class PenaltyDisclosurePage(BureauOwnedPage):
    """行政处罚信息公示: a fine's summary as SAMR Order 45 Art. 4 lists it: the decision's number,
    the unit (name and USCC), the type of violation (facts in brief), the legal basis, the penalty,
    the authority and the date. No person's name (Art. 6). Made by `cms.services.
    penalty_disclosure_publish`, public when the bureau's approvers approve (within 20 working days
    of the decision, Art. 8), taken down when `supervision.services.disclosure` withdraws it. The
    approver may shorten the facts before approving; the rest comes from the decision."""

    decision = models.ForeignKey("supervision.PenaltyDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("penalty decision"))
    document_number = models.CharField(_("decision number"), max_length=64)
    unit_name = models.CharField(_("unit"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    violation = models.TextField(_("facts in brief"), help_text=_("The type of violation and its main facts, without any person's name or ID number."))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    penalty = models.CharField(_("penalty"), max_length=255)
    decided_on = models.DateField(_("date of the decision"))
    authority = models.CharField(_("deciding authority"), max_length=128)
    withdrawn = models.BooleanField(_("withdrawn"), default=False, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("violation")]
    parent_page_types = ["cms.BureauPage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        verbose_name = _("penalty disclosure page")

    def permissions_for_user(self, user):
        return DisclosurePermissionTester(user, self)

    def bureau_jurisdiction(self):
        bureau = BureauPage.objects.ancestor_of(self).select_related("jurisdiction").first()
        if bureau is not None:
            return bureau.jurisdiction
        return self.decision.unit.county if self.decision_id is not None else None


class NoticePage(BureauOwnedPage):
    """通知公告: an announcement to the public, by a bureau (under its `BureauPage`) or by the
    platform (under the home page)."""

    date = models.DateField(_("date"))
    body = RichTextField(_("Body"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.BureauPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice")


class RegulationPage(Page):
    """政策法规: a regulation's text, for the public and the candidates to read."""

    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    body = models.TextField(_("text"))

    content_panels = [*Page.content_panels, FieldPanel("document_number"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("regulation")


class JurisdictionApprovalTask(AbstractGroupApprovalTask):
    """审核: approval by the chosen groups, limited to the approvers of the round's own bureau (or
    a bureau above it). An approver of a neighbouring county sees no approve action."""

    def _covers(self, obj, user) -> bool:
        return page_in_scope_of(getattr(obj, "specific", obj), user)

    def user_can_access_editor(self, obj, user):
        return super().user_can_access_editor(obj, user) and self._covers(obj, user)

    def locked_for_user(self, obj, user):
        return super().locked_for_user(obj, user) or not self._covers(obj, user)

    def get_actions(self, obj, user):
        return super().get_actions(obj, user) if self._covers(obj, user) else []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        own = user_jurisdiction(user)
        if user.is_superuser:
            return states
        if own is None:
            return states.none()
        paths = Q(pk__in=[])
        for path in BureauPage.objects.filter(jurisdiction__path__startswith=own.path).values_list("path", flat=True):
            paths |= Q(path__startswith=path)
        pks = [str(pk) for pk in Page.objects.filter(paths).values_list("pk", flat=True)]
        return states.filter(workflow_state__object_id__in=pks)

    @classmethod
    def get_description(cls):
        return _("Approvers of the round's own bureau (or a bureau above it) approve")

    class Meta:
        verbose_name = _("jurisdiction approval task")
        verbose_name_plural = _("jurisdiction approval tasks")
