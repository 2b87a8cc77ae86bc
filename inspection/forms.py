from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.versioned import VersionedContentForm

from .articles import ARTICLE_CHOICES
from .models import FindingConsequence, InspectionItem
from .services.items import FIELDS, ItemContent, item_content_errors


class InspectionItemForm(VersionedContentForm):
    """An item's content. Saving makes a new version (see inspection.services)."""

    code = forms.CharField(label=_("code"), max_length=32, help_text=_("e.g. QS-18; cannot be changed later."))
    title = forms.CharField(label=_("title"), max_length=200)
    article = forms.ChoiceField(label=_("legal basis"), choices=ARTICLE_CHOICES)
    content = forms.CharField(label=_("what is inspected"), widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.CharField(label=_("inspection method"), widget=forms.Textarea(attrs={"rows": 2}))
    consequence = forms.ChoiceField(label=_("consequence of a finding"), required=False,
                                    choices=[("", _("The article's own"))] + list(FindingConsequence.choices))

    class Meta:
        model = InspectionItem
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.version is not None:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
            self.initial["code"] = self.instance.code

    def initial_from(self, version) -> dict:
        return {name: getattr(version, name) for name in FIELDS}

    def clean(self):
        if not self.instance.pk:
            # The model's own validation (unique code) runs on the instance after clean().
            self.instance.code = (self.cleaned_data.get("code") or "").strip()
        return super().clean()

    def content_from(self, cleaned: dict) -> ItemContent:
        return ItemContent(**{name: cleaned.get(name) or "" for name in FIELDS}).normalised()

    def content_errors(self, content: ItemContent) -> list[tuple[str, str]]:
        return item_content_errors(content)
