"""The 抽查考核 (assessment) section of the console: the question bank and blueprints."""

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from supervision.console import ConsoleModelViewSet
from supervision.versioned import VersionedInspectView, VersionedModelViewSet

from .forms import QuestionForm
from .plan_viewsets import ConflictDeclarationViewSet, SamplingPlanViewSet
from .models import Blueprint, KnowledgeArea, Question, QuestionStatus, QuestionType, RoleScope
from .services.bank import question_create, question_update
from .views import bank as bank_views


class QuestionFilterSet(WagtailFilterSet):
    area = django_filters.ModelChoiceFilter(label=_("knowledge area"), queryset=KnowledgeArea.objects.all(), field_name="current_version__area")
    type = django_filters.ChoiceFilter(label=_("type"), choices=QuestionType.choices, field_name="current_version__type")
    roles = django_filters.ChoiceFilter(label=_("applies to"), choices=RoleScope.choices, field_name="current_version__roles")
    status = django_filters.ChoiceFilter(label=_("status"), choices=QuestionStatus.choices)
    source = django_filters.CharFilter(label=_("legal source contains"), field_name="current_version__legal_source", lookup_expr="icontains")

    class Meta:
        model = Question
        fields = ["area", "type", "roles", "status", "source"]


class QuestionCreateView(generic.CreateView):
    def save_instance(self):
        return question_create(actor=self.request.user, content=self.form.content)


class QuestionEditView(generic.EditView):
    def save_instance(self):
        return question_update(actor=self.request.user, question=Question.objects.get(pk=self.object.pk), content=self.form.content)


class QuestionInspectView(VersionedInspectView):
    template_name = "assessment/question_inspect.html"
    object_name = "question"
    statuses = QuestionStatus
    retire_confirm = _("Retire this question? It will no longer be drawn for new papers; past attempts keep it.")


def _stem(question):
    return question.current_version.stem


class QuestionViewSet(VersionedModelViewSet):
    """题库: shared by every jurisdiction; attempts keep the version they were given."""

    model = Question
    name = "questions"
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 100
    list_select_related = ("current_version__area",)
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    inspect_view_class = QuestionInspectView
    form_class = QuestionForm
    filterset_class = QuestionFilterSet
    search_fields = ["current_version__stem", "current_version__legal_source"]
    ordering = ["pk"]

    @property
    def content_columns(self):
        return [
            TitleColumn("stem", label=_("stem"), accessor=_stem, get_url=lambda q: reverse("questions:inspect", args=[q.pk])),
            Column("type", label=_("type"), accessor="current_version.get_type_display"),
            Column("area", label=_("knowledge area"), accessor="current_version.area.name"),
            Column("roles", label=_("applies to"), accessor="current_version.get_roles_display"),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/<str:status>/", bank_views.question_status_view, name="status"),
            path("export/<str:file_format>/", bank_views.questions_export_view, name="export"),
            path("import/", bank_views.questions_import_view, name="import"),
        ]


class BlueprintCheckMixin:
    """The editor shows, for the saved blueprint and then live as the user edits, whether the
    active bank can fill it (static/js/blueprint-check.js posts the form to `blueprints:check`)."""

    template_name = "assessment/blueprint_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        blueprint = self.object if self.object and self.object.pk else None
        if blueprint is not None:
            cells = [(c.area_id, c.type, c.count) for c in blueprint.cells.all()]
            context.update(bank_views.blueprint_check_context(
                role=blueprint.role, cells=cells, points={t: blueprint.points_for(t) for t in QuestionType.values},
            ))
        return context


class BlueprintCreateView(BlueprintCheckMixin, generic.CreateView):
    pass


class BlueprintEditView(BlueprintCheckMixin, generic.EditView):
    pass


class BlueprintViewSet(ConsoleModelViewSet):
    """组卷规则: how each role's paper is drawn. Shared by every jurisdiction."""

    model = Blueprint
    name = "blueprints"
    icon = "list-ol"
    menu_label = _("Blueprints")
    menu_order = 110
    add_view_class = BlueprintCreateView
    edit_view_class = BlueprintEditView
    copy_view_enabled = True
    list_display = ["name", Column("role", label=_("role"), accessor="get_role_display"), "time_limit_minutes", "pass_mark_percent"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark_percent")]),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("points_judge"), FieldPanel("points_single"), FieldPanel("points_multi")]),
            FieldPanel("multi_scoring"),
        ], heading=_("Points")),
        FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
        InlinePanel("cells", heading=_("Questions per knowledge area and type"), label=_("cell")),
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("check/", bank_views.blueprint_check_view, name="check")]


class AssessmentViewSetGroup(ViewSetGroup):
    menu_label = _("Assessment")
    menu_icon = "clipboard-list"
    menu_order = 300
    items = (SamplingPlanViewSet, ConflictDeclarationViewSet, QuestionViewSet, BlueprintViewSet)
