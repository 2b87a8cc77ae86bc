from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Jurisdiction, StaffProfile
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
