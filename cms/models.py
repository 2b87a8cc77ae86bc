from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


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

    @path("frame/")
    def frame_file(self, request):
        # Wagtail page paths allow no dot, so the file name comes in Content-Disposition.
        response = HttpResponse(self.snapshot.get("frame_csv", ""), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="frame-{self.slug}.csv"'
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
