from django import forms
from django.utils.translation import gettext_lazy as _
from supervision.models import ProductCategory
from supervision.versioned import VersionedContentForm

from .models import Difficulty, KnowledgeArea, Question, QuestionType, RoleScope
from .services.bank import LETTERS, QuestionContent, question_content_errors

FIELD_FOR_ERROR = {"stem": "stem", "options": "option_A", "answer": "answer", "legal_source": "legal_source", "type": "type"}


class QuestionForm(VersionedContentForm):
    """A question's content. Saving an active question makes a new version (see services.bank)."""

    type = forms.ChoiceField(label=_("type"), choices=QuestionType.choices)
    stem = forms.CharField(label=_("stem"), widget=forms.Textarea(attrs={"rows": 3}))
    option_A = forms.CharField(label=_("Option A"), required=False)
    option_B = forms.CharField(label=_("Option B"), required=False)
    option_C = forms.CharField(label=_("Option C"), required=False)
    option_D = forms.CharField(label=_("Option D"), required=False)
    option_E = forms.CharField(label=_("Option E"), required=False)
    option_F = forms.CharField(label=_("Option F"), required=False)
    answer = forms.CharField(label=_("correct answer"), max_length=6, help_text=_("Option letters, e.g. B or ACD. A true/false question has A 正确 and B 错误."))
    explanation = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    area = forms.ModelChoiceField(label=_("knowledge area"), queryset=KnowledgeArea.objects.all())
    roles = forms.ChoiceField(label=_("applies to"), choices=RoleScope.choices, initial=RoleScope.BOTH)
    categories = forms.ModelMultipleChoiceField(
        label=_("product categories"), queryset=ProductCategory.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None: a general question for every unit."),
    )
    legal_source = forms.CharField(label=_("legal source"), max_length=255, help_text=_("e.g. 《工业产品生产单位落实质量安全主体责任监督管理规定》第十五条"))
    difficulty = forms.ChoiceField(label=_("difficulty"), choices=Difficulty.choices, initial=Difficulty.MEDIUM)

    class Meta:
        model = Question
        fields = []

    def initial_from(self, version) -> dict:
        content = QuestionContent.of(version)
        return {
            **{name: getattr(content, name) for name in ("type", "stem", "answer", "explanation", "roles", "legal_source", "difficulty")},
            "area": content.area.pk,
            "categories": list(content.category_ids),
            **{f"option_{letter}": text for letter, text in zip(LETTERS, content.options)},
        }

    def content_from(self, cleaned: dict) -> QuestionContent:
        options = [cleaned.get(f"option_{letter}", "") for letter in LETTERS]
        while options and not options[-1].strip():
            options.pop()
        return QuestionContent(
            type=cleaned["type"], stem=cleaned["stem"], options=options, answer=cleaned["answer"],
            area=cleaned["area"], legal_source=cleaned["legal_source"], roles=cleaned["roles"],
            difficulty=cleaned["difficulty"], explanation=cleaned.get("explanation", ""),
            category_ids=frozenset(c.pk for c in cleaned.get("categories", [])),
        ).normalised()

    def content_errors(self, content: QuestionContent) -> list[tuple[str, str]]:
        return question_content_errors(content)

    def error_field(self, name: str) -> str | None:
        return FIELD_FOR_ERROR.get(name)
