from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from supervision.models import Jurisdiction, JurisdictionLevel, ProductionUnit, SizeClass, StaffProfile
from supervision.scoping import scope_queryset

from .models import (
    HENAN_CLASS_RATIOS, Allocation, ConflictDeclaration, ExamSession, PlanPurpose, SamplingMethod, SamplingPlan, SamplingUnit,
    SessionMode, Stratification,
)
from .services.sampling import class_ratios_clean, class_ratios_stored

# Hidden from an inspection plan's form: they only mean something for an exam.
ASSESSMENT_ONLY_FIELDS = ("roles", "sampling_unit", "director_blueprint", "officer_blueprint", "absent_counts_as_failed")
# The four inputs of a risk-weighted plan (Allocation.CLASS_RATIO), shown right after the allocation.
CLASS_RATIO_FIELDS = {
    "A": ("class_ratio_a", _("Class A sampling ratio (percent)")),
    "B": ("class_ratio_b", _("Class B sampling ratio (percent)")),
    "C": ("class_ratio_c", _("Class C sampling ratio (percent)")),
    "D": ("class_ratio_d", _("Class D sampling ratio (percent)")),
}
ROLE_CHOICES = [("director", _("Quality safety director")), ("officer", _("Quality safety officer")), ("principal", _("Principal"))]


class SamplingPlanForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(label=_("roles assessed"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["director", "officer"])
    size_classes = forms.MultipleChoiceField(label=_("size classes"), choices=SizeClass.choices, widget=forms.CheckboxSelectMultiple, required=False, help_text=_("Empty: every size."))

    class Meta:
        model = SamplingPlan
        fields = [
            "purpose", "jurisdiction", "year", "batch", "title", "include_licence", "include_ccc", "include_standard",
            "size_classes", "counties", "categories", "roles", "sampling_unit", "method", "stratify_by",
            "allocation", "sample_size", "sample_ratio_percent", "director_blueprint", "officer_blueprint",
            "examiner_pool_widen", "examiner_pool_multiple", "absent_counts_as_failed",
        ]
        widgets = {"counties": forms.CheckboxSelectMultiple, "categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["jurisdiction"].queryset = scope_queryset(Jurisdiction.objects.all(), user=for_user)
        self.fields["counties"].queryset = scope_queryset(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY), user=for_user)
        self.fields["purpose"].required = False  # not posted: an assessment, the model's default
        self.fields["purpose"].help_text = _("An on-site inspection plan draws units only: it has no roles and no blueprints; inspectors are drawn after the units.")
        if self.purpose == PlanPurpose.INSPECTION:
            for name in ASSESSMENT_ONLY_FIELDS:
                self.fields.pop(name, None)
        self._add_class_ratio_fields()

    def _add_class_ratio_fields(self):
        """Four ratio inputs after the allocation, prefilled with the plan's ratios (a new plan's
        are Henan's preset); the console stylesheet shows them once 按等级比例 is chosen."""
        self.fields["stratify_by"].help_text = _(
            "By credit risk class: each unit's quality credit class (A–D) as it stands when the frame is frozen; "
            "a unit whose class has not been computed yet counts as the class the rules in force give a unit with nothing on record."
        )
        self.fields["allocation"].help_text = _(
            "A ratio per class: only with a stratified draw by credit risk class; each class is drawn at its own ratio, "
            "the sample size and sample ratio are not used."
        )
        self.fields["sample_size"].help_text = _("Leave empty to use the ratio. Not used with a ratio per credit class.")
        stored = self.instance.class_ratios if isinstance(self.instance.class_ratios, dict) else {}
        ratios = {}
        for name, field in self.fields.items():
            ratios[name] = field
            if name == "allocation":
                for letter, (ratio_name, label) in CLASS_RATIO_FIELDS.items():
                    ratios[ratio_name] = forms.DecimalField(
                        label=label, required=False, max_digits=5, decimal_places=2, initial=stored.get(letter, HENAN_CLASS_RATIOS[letter]),
                        help_text=_("Henan's preset: class D 30, C 10, B 2, A 1 (percent). Per class: units × ratio, rounded up; at least 1 in a class that has units.") if letter == "A" else "",
                        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100", "data-class-ratio": letter}),
                    )
        self.fields = ratios

    @property
    def purpose(self) -> str:
        """The purpose posted, else the plan's, else the one the "new plan" link asked for."""
        if self.is_bound:
            return self.data.get(self.add_prefix("purpose")) or PlanPurpose.ASSESSMENT
        return self.initial.get("purpose") or self.instance.purpose

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == PlanPurpose.INSPECTION:
            # Units only, no roles, no papers (what `sampling.plan_shape_check` asks on submission).
            self.instance.roles, self.instance.sampling_unit = [], SamplingUnit.UNIT
            self.instance.director_blueprint = self.instance.officer_blueprint = None
            cleaned.pop("roles", None)
        if cleaned.get("method") == SamplingMethod.STRATIFIED and not cleaned.get("stratify_by"):
            self.add_error("stratify_by", _("A stratified draw needs its strata."))
        if cleaned.get("allocation") == Allocation.CLASS_RATIO:
            self._clean_class_ratios(cleaned)
        if not (cleaned.get("include_licence") or cleaned.get("include_ccc") or cleaned.get("include_standard")):
            self.add_error("include_licence", _("Choose at least one kind of unit."))
        jurisdiction, counties = cleaned.get("jurisdiction"), cleaned.get("counties")
        if jurisdiction and counties:
            outside = [c.name for c in counties if not c.path.startswith(jurisdiction.path)]
            if outside:
                self.add_error("counties", _("Not in the plan's jurisdiction: %(names)s") % {"names": "、".join(outside)})
        return cleaned

    def _clean_class_ratios(self, cleaned):
        """The same rule the services check (`sampling.plan_class_ratios_check`), as field errors."""
        if cleaned.get("method") != SamplingMethod.STRATIFIED or cleaned.get("stratify_by") != Stratification.CREDIT_CLASS:
            self.add_error("allocation", ValidationError(_("A ratio per class is used only with a stratified draw by credit risk class."), code="class_ratio_strata"))
            return
        ratios = {}
        for letter, (name, _label) in CLASS_RATIO_FIELDS.items():
            if name in self.errors:
                return
            value = cleaned.get(name)
            try:
                ratios[letter] = class_ratios_clean({**HENAN_CLASS_RATIOS, letter: "" if value is None else value})[letter]
            except ValidationError as error:
                self.add_error(name, error)
        if len(ratios) == len(CLASS_RATIO_FIELDS):
            self.instance.class_ratios = class_ratios_stored(ratios)


class SessionForm(forms.ModelForm):
    class Meta:
        model = ExamSession
        fields = ["name", "mode", "venue", "starts_at", "ends_at", "latest_start_at"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "latest_start_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at") and cleaned.get("ends_at") and cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends_at", _("A session ends after it starts."))
        latest = cleaned.get("latest_start_at")
        if latest and cleaned.get("starts_at") and cleaned.get("ends_at") and not cleaned["starts_at"] <= latest <= cleaned["ends_at"]:
            self.add_error("latest_start_at", _("The latest start lies between the session's start and its end."))
        if cleaned.get("mode") == SessionMode.ONSITE and not cleaned.get("venue"):
            self.add_error("venue", _("An on-site session needs its venue."))
        return cleaned


class ConflictDeclarationForm(WagtailAdminModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["staff", "unit", "reason"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["staff"].queryset = scope_queryset(StaffProfile.objects.filter(can_examine=True), user=for_user).select_related("user")
        self.fields["unit"].queryset = scope_queryset(ProductionUnit.objects.all(), user=for_user)
