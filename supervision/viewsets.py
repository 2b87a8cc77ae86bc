"""The 登记 (register) section of the console."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from . import console
from .authorization import may
from .forms import StaffCreateForm, StaffProfileForm
from .models import Jurisdiction, ProductCategory, StaffProfile
from .register_viewsets import ImportJobViewSet, PersonViewSet, ProductionUnitViewSet
from .services.staff import staff_create, staff_update


class JurisdictionViewSet(console.ScopedModelViewSet):
    """行政区划: read-only; the tree is loaded from GB/T 2260 files (`load_divisions`)."""

    model = Jurisdiction
    name = "jurisdictions"
    icon = "site"
    menu_label = _("Jurisdictions")
    list_display = ["name", "code", Column("level", label=_("Level"), accessor="get_level_display")]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    inspect_view_enabled = True
    inspect_view_fields = ["name", "code", "level"]
    ordering = ["path"]
    # Only a name can be corrected by hand (a superuser); codes and the tree come from the file.
    form_fields = ["name"]



def _profile_fields(form) -> dict:
    """What both staff forms set on the profile (bureau, role, certificate, examiner), by name."""
    return {name: form.cleaned_data[name] for name in StaffProfileForm.Meta.fields}


class StaffCreateView(console.ScopedCreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return staff_create(actor=self.request.user, username=data["username"], password=data["password"],
                            full_name=data["full_name"], **_profile_fields(self.form))


class StaffEditView(console.ScopedEditView):
    def save_instance(self):
        return staff_update(actor=self.request.user, profile=StaffProfile.objects.get(pk=self.object.pk),
                            **_profile_fields(self.form))


class StaffInspectView(console.ScopedInspectView):
    template_name = "supervision/staff_inspect.html"

    def get_context_data(self, **kwargs):
        from config.two_factor import has_device

        context = super().get_context_data(**kwargs)
        context["two_factor_enrolled"] = has_device(self.object.user)
        context["can_reset_two_factor"] = may(self.request.user, "two_factor.reset", self.object.jurisdiction)
        return context


class StaffProfileViewSet(console.ScopedModelViewSet):
    """工作人员: the bureau's staff, their roles and who can be drawn as an examiner."""

    model = StaffProfile
    name = "staff"
    icon = "group"
    menu_label = _("Staff")
    list_select_related = ("user", "jurisdiction")
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    inspect_view_class = StaffInspectView
    list_display = [
        Column("user", label=_("Name"), accessor="display_name"),
        Column("username", label=_("Username"), accessor="user.username"),
        "jurisdiction",
        Column("role", label=_("Role"), accessor="get_role_display"),
        Column("enforcement_cert_no", label=_("Enforcement certificate number"), accessor="enforcement_cert_no"),
        Column("enforcement_cert_valid_until", label=_("Enforcement certificate valid until"), accessor="enforcement_cert_valid_until"),
        console.YesNoColumn("can_examine", label=StaffProfile._meta.get_field("can_examine").verbose_name, sort_key="can_examine"),
    ]
    list_filter = ["role", "can_examine"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "enforcement_cert_no"]
    inspect_view_enabled = True
    inspect_view_fields = ["user", "jurisdiction", "role", "enforcement_cert_no", "enforcement_cert_valid_until", "can_examine"]
    form_class = StaffProfileForm
    add_form_class = StaffCreateForm



class ProductCategoryViewSet(console.ConsoleModelViewSet):
    """产品类别: reference data shared by every jurisdiction (not scoped); bureau admins maintain it."""

    model = ProductCategory
    name = "categories"
    icon = "tag"
    menu_label = _("product categories")
    menu_order = 300
    list_display = ["name", Column("catalogue", label=_("catalogue"), accessor="get_catalogue_display")]
    list_filter = ["catalogue"]
    search_fields = ["name"]
    form_fields = ["name", "catalogue"]


class RegisterViewSetGroup(ViewSetGroup):
    menu_label = _("Register")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        ProductionUnitViewSet, PersonViewSet, ImportJobViewSet, JurisdictionViewSet, StaffProfileViewSet,
        ProductCategoryViewSet,
    )
