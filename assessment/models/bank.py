from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.models import ProductCategory


class Mastery(models.TextChoices):
    MASTER = "master", _("Master (掌握)")
    FAMILIAR = "familiar", _("Be familiar with (熟悉)")
    KNOW = "know", _("Know (了解)")


class KnowledgeArea(models.Model):
    """知识领域: an area of the assessment outline, after SAMR's 2024 food-sector outline adapted to
    industrial products, with the mastery level candidates are held to."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    mastery = models.CharField(_("mastery level"), max_length=16, choices=Mastery.choices)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("knowledge area")
        verbose_name_plural = _("knowledge areas")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class QuestionType(models.TextChoices):
    JUDGE = "judge", _("True or false")
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")


class RoleScope(models.TextChoices):
    DIRECTOR = "director", _("Quality safety director")
    OFFICER = "officer", _("Quality safety officer")
    BOTH = "both", _("Both")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Question(models.Model):
    """试题: a question's identity and status; its content is its current `QuestionVersion`.

    Editing an active question makes a new version, so an attempt keeps the exact wording, options
    and answer it was given (see `assessment.services.bank`)."""

    status = models.CharField(_("status"), max_length=8, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT, db_index=True)
    current_version = models.OneToOneField(
        "QuestionVersion", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("question bank")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.current_version.stem[:40] if self.current_version_id else f"#{self.pk}"


class QuestionVersion(models.Model):
    """试题版本: one frozen wording of a question. Never changed once a candidate may have seen it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions", verbose_name=_("question"))
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=8, choices=QuestionType.choices)
    stem = models.TextField(_("stem"))
    # Option texts in letter order (A, B, ...), 2 to 6 of them.
    options = models.JSONField(_("options"))
    # Correct option letters in order, e.g. "B" or "ACD".
    answer = models.CharField(_("correct answer"), max_length=6)
    explanation = models.TextField(_("explanation"), blank=True)
    area = models.ForeignKey(KnowledgeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("knowledge area"))
    roles = models.CharField(_("applies to"), max_length=8, choices=RoleScope.choices, default=RoleScope.BOTH)
    categories = models.ManyToManyField(ProductCategory, blank=True, related_name="+", verbose_name=_("product categories"))
    legal_source = models.CharField(_("legal source"), max_length=255)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="unique_question_version")]
        indexes = [models.Index(fields=["area", "type", "roles"])]

    def __str__(self) -> str:
        return f"{self.stem[:40]} (v{self.number})"

    @property
    def letters(self) -> list[str]:
        return [chr(ord("A") + i) for i in range(len(self.options))]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(self.letters, self.options))
