from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .imports.cells import CellError, parse_mobile, parse_phone, parse_resident_id, parse_uscc
from .models import BureauLegalSettings, Jurisdiction, JurisdictionLevel, Person, ProductionUnit, StaffProfile
from .personal_data import id_number_hash
from .scoping import scope_queryset


class StaffProfileForm(WagtailAdminModelForm):
    """Change a staff member's role, bureau and examiner status, within the editor's subtree."""

    class Meta:
        model = StaffProfile
        fields = ["jurisdiction", "role", "enforcement_cert_no", "enforcement_cert_valid_until", "can_examine"]
        widgets = {"enforcement_cert_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["jurisdiction"].queryset = scope_queryset(Jurisdiction.objects.all(), user=for_user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enforcement_cert_valid_until") and not (cleaned.get("enforcement_cert_no") or "").strip():
            self.add_error("enforcement_cert_valid_until", _("A certificate validity date needs the enforcement certificate number."))
        return cleaned


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


def cell_value(value, parser):
    """A typed value read by the import's own cell parser, so the console and a file follow one
    rule; the parser's refusal is the field's error."""
    try:
        return parser(value)
    except CellError as error:
        raise forms.ValidationError(str(error))


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
        return cell_value(self.cleaned_data["uscc"], parse_uscc)

    def clean_phone(self):
        return cell_value(self.cleaned_data["phone"], parse_phone)


def open_post_refusal(post: Person) -> str:
    """Order 75 Art. 13: one open post per person and unit (the `one_current_post_per_person`
    constraint). Names the post that is open and how to close it, so the refusal says what to do."""
    return _(
        "%(name)s already holds an open post at this unit: %(role)s, appointed on %(date)s. A person holds one "
        "open post per unit (Order 75 Art. 13): first record the leaving date (离任日期) on that post, here in "
        "the console or by importing a personnel file with a 离任日期 column, then add the new post."
    ) % {"name": post.name, "role": post.get_role_display(), "date": post.appointed_on or "—"}


class PersonForm(WagtailAdminModelForm):
    """Post, contact and dates of a person; the ID number is changed only by re-import."""

    class Meta:
        model = Person
        fields = ["name", "role", "phone", "appointed_on", "left_on"]

    def clean_phone(self):
        return cell_value(self.cleaned_data["phone"], parse_mobile)

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
        if left is None and person.pk and person.left_on is not None:
            open_post = self._open_post(person.unit_id, person.id_number_hash)
            if open_post is not None:
                self.add_error("left_on", open_post_refusal(open_post))
        return cleaned

    def _open_post(self, unit_id, id_hash) -> Person | None:
        posts = Person.objects.filter(unit_id=unit_id, id_number_hash=id_hash, left_on__isnull=True)
        if self.instance.pk:
            posts = posts.exclude(pk=self.instance.pk)
        return posts.first()


class PersonCreateForm(PersonForm):
    """A post added by hand: the unit (within the user's jurisdiction) and the person's ID number,
    then the same fields and rules as the edit form and the import."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)

    class Meta(PersonForm.Meta):
        fields = ["unit", "id_number", *PersonForm.Meta.fields]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        # Another county's unit is not a choice: posting its id is "not one of the available choices".
        unit = self.fields["unit"]
        unit.queryset = scope_queryset(ProductionUnit.objects.order_by("name", "uscc"), user=for_user)
        unit.label_from_instance = lambda u: f"{u.name}（{u.uscc}）"  # names repeat; the code does not

    def clean_id_number(self):
        return cell_value(self.cleaned_data["id_number"], parse_resident_id)

    def clean(self):
        cleaned = super().clean()
        unit, id_number = cleaned.get("unit"), cleaned.get("id_number")
        if unit is None or id_number is None:
            return cleaned
        id_hash = id_number_hash(id_number)
        if cleaned.get("left_on") is None:
            open_post = self._open_post(unit.pk, id_hash)
            if open_post is not None:
                self.add_error("id_number", open_post_refusal(open_post))
                return cleaned
        # As the import: a re-appointment starts on or after the day the last post ended.
        last = Person.objects.filter(unit=unit, id_number_hash=id_hash, left_on__isnull=False).order_by("-left_on").first()
        appointed = cleaned.get("appointed_on")
        if last is not None and appointed is not None and appointed < last.left_on:
            self.add_error("appointed_on", _(
                "This person left this unit's post on %(date)s; a new appointment cannot start before that. "
                "Give the date of the new appointment."
            ) % {"date": last.left_on})
        return cleaned


class BureauLegalSettingsForm(WagtailAdminModelForm):
    """Only for bureaus within the administrator's own subtree."""

    class Meta:
        model = BureauLegalSettings
        fields = ["jurisdiction", "bureau_name", "address", "phone", "payment_place", "payment_method", "review_authority", "court"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["jurisdiction"].queryset = scope_queryset(Jurisdiction.objects.all(), user=for_user)
