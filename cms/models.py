from django.db import models
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page, PagePermissionTester


class HomePage(Page):
    """门户首页: the public site's home, the root of results, notices and regulations."""

    intro = models.CharField(_("Introduction"), max_length=255, blank=True)
    body = RichTextField(_("Body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("Home page")


class ResultsIndexPage(Page):
    """结果公示: the published rounds, by jurisdiction and year, with a search across them by unit
    name or USCC (substring matching, which works for Chinese; Wagtail's index does not segment it)."""

    intro = models.CharField(_("Introduction"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResultsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("results index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import published_rounds, search_published_units

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()[:60]
        context["rounds"] = published_rounds(self)
        context["query"] = query
        context["hits"] = search_published_units(self, query) if query else []
        return context


class OutOfScopePermissionTester(PagePermissionTester):
    """Another bureau's page: no page permission at all, and no revisions either (Wagtail shows
    any page's revisions to anyone in the admin)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.permissions = set()

    def can_view_revisions(self):
        return False


class ResultsPage(RoutablePageMixin, Page):
    """考核结果公示: one published round, as a snapshot taken at publication. Later changes to the
    data never rewrite it; a correction is a new revision with its reason shown on the page."""

    plan = models.ForeignKey("assessment.SamplingPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plan"))
    snapshot = models.JSONField(_("published results"), default=dict)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("correction_reason")]
    parent_page_types = ["cms.ResultsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("results page")

    def in_scope_of(self, user) -> bool:
        """A round's page belongs to the round's bureau: its staff (and the bureaus above) only."""
        from supervision.scoping import user_jurisdiction

        if user.is_superuser or self.plan_id is None:
            return True
        own = user_jurisdiction(user)
        return own is not None and self.plan.jurisdiction.path.startswith(own.path)

    def permissions_for_user(self, user):
        # Wagtail asks this one method for every page action (edit, publish, bulk actions,
        # unpublish, delete, copy, move, revisions, view draft): another bureau's round gets none.
        if user.is_active and not self.in_scope_of(user):
            return OutOfScopePermissionTester(user, self)
        return super().permissions_for_user(user)

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
        from pathlib import Path

        from assessment import verify_draw

        response = HttpResponse(Path(verify_draw.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
        return response


class NoticePage(Page):
    """通知公告: an announcement to the public."""

    date = models.DateField(_("date"))
    body = RichTextField(_("Body"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage"]
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
        page = getattr(obj, "specific", obj)
        return page.in_scope_of(user) if isinstance(page, ResultsPage) else True

    def user_can_access_editor(self, obj, user):
        return super().user_can_access_editor(obj, user) and self._covers(obj, user)

    def locked_for_user(self, obj, user):
        return super().locked_for_user(obj, user) or not self._covers(obj, user)

    def get_actions(self, obj, user):
        return super().get_actions(obj, user) if self._covers(obj, user) else []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from supervision.scoping import user_jurisdiction

        states = super().get_task_states_user_can_moderate(user, **kwargs)
        own = user_jurisdiction(user)
        if user.is_superuser:
            return states
        if own is None:
            return states.none()
        allowed = ResultsPage.objects.filter(plan__jurisdiction__path__startswith=own.path).values_list("pk", flat=True)
        other = ResultsPage.objects.exclude(pk__in=allowed).values_list("pk", flat=True)
        return states.exclude(workflow_state__object_id__in=[str(pk) for pk in other])

    @classmethod
    def get_description(cls):
        return _("Approvers of the round's own bureau (or a bureau above it) approve")

    class Meta:
        verbose_name = _("jurisdiction approval task")
        verbose_name_plural = _("jurisdiction approval tasks")
