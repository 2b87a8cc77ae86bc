from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .imports.cells import CellError, parse_mobile, parse_phone, parse_uscc
from .models import BureauLegalSettings, Jurisdiction, JurisdictionLevel, Person, ProductionUnit, StaffProfile
from .scoping import scope_queryset


class StaffProfileForm(WagtailAdminModelForm):
    """Change a staff member's role, bureau and examiner status, within the editor's subtree."""

    class Meta:
        model = StaffProfile
        fields = ["jurisdiction", "role", "enforcement_cert_no", "can_examine"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["jurisdiction"].queryset = scope_queryset(Jurisdiction.objects.all(), user=for_user)


class StaffCreateForm(StaffProfileForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=30)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)

    class Meta(StaffProfileForm.Meta):
        fields = ["username", "full_name", "password", *StaffProfileForm.Meta.fields]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("The username “%(name)s” is already taken.") % {"name": username})
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class UnitForm(WagtailAdminModelForm):
    """A unit edited by hand. Size class and the director rule are derived on save, never typed."""

    class Meta:
        model = ProductionUnit
        fields = [
            "uscc", "name", "county", "address", "legal_representative", "phone", "employee_count",
            "revenue_wan", "mandatory_standard", "categories", "status",
        ]
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["county"].queryset = scope_queryset(
            Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY), user=for_user
        )
        if self.instance.pk:
            self.fields["uscc"].disabled = True  # the key of the register; a new code is a new unit

    def clean_uscc(self):
        try:
            return parse_uscc(self.cleaned_data["uscc"])
        except CellError as error:
            raise forms.ValidationError(str(error))

    def clean_phone(self):
        try:
            return parse_phone(self.cleaned_data["phone"])
        except CellError as error:
            raise forms.ValidationError(str(error))


class PersonForm(WagtailAdminModelForm):
    """Post, contact and dates of a person; the ID number is changed only by re-import."""

    class Meta:
        model = Person
        fields = ["name", "role", "phone", "appointed_on", "left_on"]

    def clean_phone(self):
        try:
            return parse_mobile(self.cleaned_data["phone"])
        except CellError as error:
            raise forms.ValidationError(str(error))

    def clean(self):
        cleaned = super().clean()
        appointed, left = cleaned.get("appointed_on"), cleaned.get("left_on")
        if appointed and left and left < appointed:
            self.add_error("left_on", _("The leaving date is before the appointment date."))
        # Order 75 Art. 13: the same rules as the import - a leaving that has happened, and one open
        # post per person and unit (a person who came back holds a new post beside the old one).
        if left and left > timezone.localdate():
            self.add_error("left_on", _("The leaving date lies in the future; record a leaving once it has happened."))
        person = self.instance
        if left is None and person.pk and person.left_on is not None and Person.objects.filter(
            unit_id=person.unit_id, id_number_hash=person.id_number_hash, left_on__isnull=True,
        ).exclude(pk=person.pk).exists():
            self.add_error("left_on", _("This person holds a current post at this unit; a post they left cannot be reopened."))
        return cleaned


class BureauLegalSettingsForm(WagtailAdminModelForm):
    """Only for bureaus within the administrator's own subtree."""

    class Meta:
        model = BureauLegalSettings
        fields = ["jurisdiction", "bureau_name", "address", "phone", "payment_place", "payment_method", "review_authority", "court"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["jurisdiction"].queryset = scope_queryset(Jurisdiction.objects.all(), user=for_user)
