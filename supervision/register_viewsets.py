"""The register in the console: units, their people, and imports (登记)."""

from django.contrib.admin.utils import quote
from django.forms.models import model_to_dict
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn

from . import console
from .filters import PersonFilterSet, UnitFilterSet
from .forms import PersonCreateForm, PersonForm, UnitForm
from .models import ImportJob, Person, ProductionUnit
from .history import unit_history
from .personal_data import phone_mask
from .selectors import unit_findings, unit_post_record, unit_staff_in_post, units_with_findings
from .selectors_credit import unit_credit_class, unit_credit_record
from .services.units import person_create, person_may_reveal, person_save, unit_save
from .views import imports as import_views
from .views import register as register_views


class UnitIndexView(console.ScopedIndexView):
    def get_base_queryset(self):
        return units_with_findings(super().get_base_queryset())


class UnitInspectView(console.ScopedInspectView):
    template_name = "supervision/unit_inspect.html"

    def get_object(self, queryset=None):
        return (
            units_with_findings(ProductionUnit.objects.select_related("county"))
            .prefetch_related("categories", "qualifications__category")
            .get(pk=self.pk)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        people = list(unit_staff_in_post(unit))
        for person in people:
            person.phone_masked = phone_mask(person.phone)
        context.update({
            "unit": unit,
            "findings": unit_findings(unit),
            "qualifications": unit.qualifications.all(),
            "people": people,
            "post_record": list(unit_post_record(unit)),
            "may_reveal": bool(people) and person_may_reveal(actor=self.request.user, person=people[0]),
            "can_edit": self.permission_policy.user_has_permission(self.request.user, "change"),
            "history": unit_history(unit),
            "credit_class": unit_credit_class(unit=unit),
            "credit_events": list(unit_credit_record(unit=unit)),
        })
        return context


class UnitSaveMixin:
    def save_instance(self):
        before = {} if self.object is None or self.object.pk is None else {
            k: str(v) for k, v in model_to_dict(ProductionUnit.objects.get(pk=self.object.pk)).items()
        }
        unit = self.form.save(commit=False)
        unit_save(actor=self.request.user, unit=unit, before=before)
        self.form.save_m2m()
        return unit


class UnitCreateView(UnitSaveMixin, console.ScopedCreateView):
    pass


class UnitEditView(UnitSaveMixin, console.ScopedEditView):
    pass


def _findings_cell(unit):
    return "；".join(unit_findings(unit)) or "—"


class ProductionUnitViewSet(console.ScopedModelViewSet):
    """生产单位: the register of units, with compliance findings at a glance."""

    model = ProductionUnit
    name = "units"
    icon = "home"
    menu_label = _("Production units")
    menu_order = 100
    index_view_class = UnitIndexView
    list_select_related = ("county",)
    inspect_view_class = UnitInspectView
    add_view_class = UnitCreateView
    edit_view_class = UnitEditView
    inspect_view_enabled = True
    form_class = UnitForm
    filterset_class = UnitFilterSet
    search_fields = ["name", "uscc"]
    list_per_page = 50
    ordering = ["county__code", "name"]

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("unit name"), get_url=lambda unit: reverse("units:inspect", args=[quote(unit.pk)])),
            "uscc",
            Column("county", label=_("county"), accessor="county.name"),
            Column("size_class", label=_("size class"), accessor="get_size_class_display", sort_key="size_class"),
            console.YesNoColumn("director_required", label=_("director required"), sort_key="director_required"),
            Column("findings", label=_("compliance findings"), accessor=_findings_cell),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("export/<str:file_format>/", register_views.units_export_view, name="export"),
        ]


class PersonCreateView(console.ScopedCreateView):
    def save_instance(self):
        return person_create(actor=self.request.user, person=self.form.save(commit=False),
                             id_number=self.form.cleaned_data["id_number"])


class PersonEditView(console.ScopedEditView):
    def save_instance(self):
        before = {k: str(v) for k, v in model_to_dict(Person.objects.get(pk=self.object.pk), exclude=["id_number_encrypted", "id_number_hash"]).items()}
        return person_save(actor=self.request.user, person=self.form.save(commit=False), before=before)


class PersonViewSet(console.ScopedModelViewSet):
    """质量安全管理人员: principals, directors and officers; ID numbers masked."""

    model = Person
    name = "people"
    icon = "user"
    menu_label = _("Quality staff")
    menu_order = 110
    list_select_related = ("unit", "unit__county")
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    filterset_class = PersonFilterSet
    search_fields = ["name", "unit__name", "unit__uscc"]
    list_per_page = 50
    ordering = ["unit__name", "role"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "role", "unit", "id_number_masked", "appointed_on", "left_on"]
    form_class = PersonForm
    add_form_class = PersonCreateForm

    @property
    def list_display(self):
        return [
            "name",
            Column("role", label=_("post"), accessor="get_role_display", sort_key="role"),
            TitleColumn("unit", label=_("unit"), accessor="unit.name", get_url=lambda p: reverse("units:inspect", args=[p.unit_id])),
            Column("id_number_masked", label=_("ID number")),
            Column("phone", label=_("mobile"), accessor=lambda p: phone_mask(p.phone)),
            Column("appointed_on", label=_("appointed on")),
            Column("left_on", label=_("left on")),
        ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("reveal/<int:pk>/", register_views.person_reveal_view, name="reveal")]


class ImportJobViewSet(console.ScopedModelViewSet):
    """导入: upload a register file, see every row's error or what will change, confirm."""

    model = ImportJob
    name = "imports"
    icon = "upload"
    menu_label = _("Import")
    menu_order = 120
    add_view_class = import_views.ImportUploadView
    inspect_view_class = import_views.ImportJobView
    inspect_view_enabled = True
    form_fields = ["kind"]
    list_filter = ["kind", "status"]
    ordering = ["-created_at"]

    @property
    def list_display(self):
        return [
            TitleColumn("filename", label=_("file name"), get_url=lambda job: reverse("imports:inspect", args=[job.pk])),
            Column("kind", label=_("kind"), accessor="get_kind_display"),
            Column("status", label=_("status"), accessor="get_status_display"),
            Column("created_by", label=_("uploaded by"), accessor=lambda job: job.created_by.get_full_name() or job.created_by.get_username()),
            Column("created_at", label=_("uploaded at")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("confirm/<int:pk>/", import_views.import_confirm_view, name="confirm"),
            path("file/<int:pk>/", import_views.import_file_view, name="file"),
            path("template/<str:kind>/<str:file_format>/", import_views.import_template_view, name="template"),
        ]
