from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .bank import KnowledgeArea, QuestionType


class MultiScoring(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing")
    PARTIAL = "partial", _("Half points if some correct and none wrong")


class Blueprint(ClusterableModel):
    """组卷规则: how a paper for one role is drawn: how many questions of each type and area, points,
    pass mark and time limit. Defaults follow SAMR Announcement 2019 No. 33 (at least 30 questions
    drawn at random, pass at 90 %)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=8, choices=[("director", _("Quality safety director")), ("officer", _("Quality safety officer"))])
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=40, validators=[MinValueValidator(5), MaxValueValidator(240)])
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (percent of points)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(100)])
    points_judge = models.PositiveSmallIntegerField(_("points per true/false question"), default=3)
    points_single = models.PositiveSmallIntegerField(_("points per single-choice question"), default=3)
    points_multi = models.PositiveSmallIntegerField(_("points per multiple-choice question"), default=5)
    multi_scoring = models.CharField(_("multiple-choice scoring"), max_length=8, choices=MultiScoring.choices, default=MultiScoring.ALL_OR_NOTHING)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)

    class Meta:
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")
        ordering = ["role", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100), name="blueprint_pass_mark_percent"),
        ]

    def __str__(self) -> str:
        return self.name

    def points_for(self, question_type: str) -> int:
        return {QuestionType.JUDGE: self.points_judge, QuestionType.SINGLE: self.points_single, QuestionType.MULTI: self.points_multi}[question_type]


class BlueprintCell(models.Model):
    """How many questions of one type to draw from one knowledge area."""

    blueprint = ParentalKey(Blueprint, on_delete=models.CASCADE, related_name="cells")
    area = models.ForeignKey(KnowledgeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("knowledge area"))
    type = models.CharField(_("type"), max_length=8, choices=QuestionType.choices)
    count = models.PositiveSmallIntegerField(_("questions"), validators=[MaxValueValidator(200)])

    class Meta:
        verbose_name = _("blueprint cell")
        ordering = ["area__sort_order", "type"]
        constraints = [models.UniqueConstraint(fields=["blueprint", "area", "type"], name="unique_blueprint_cell")]

    def __str__(self) -> str:
        return f"{self.area} · {self.get_type_display()} × {self.count}"
