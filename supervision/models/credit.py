"""质量信用档案: a unit's quality credit record, and the A–D class computed from it by rules kept
as data (issue 18).

Supervision owns the record (DESIGN.md §8): assessment and inspection push their events through
`supervision.services.credit`; an event knows its source only as a reference (kind, id, label),
as an order does, never through a key into the layers above."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .register import ProductionUnit


class CreditEventKind(models.TextChoices):
    ASSESSMENT_PASSED = "assessment_passed", _("Assessment passed")
    ASSESSMENT_FAILED = "assessment_failed", _("Assessment failed")
    ASSESSMENT_ABSENT = "assessment_absent", _("Absent from the assessment")
    INSPECTION_PASSED = "inspection_passed", _("Inspection passed")
    INSPECTION_FINDINGS = "inspection_findings", _("Inspection with findings")
    ORDER_ISSUED = "order_issued", _("Order to correct issued")
    ORDER_VERIFIED = "order_verified", _("Rectification verified")
    ORDER_OVERDUE = "order_overdue", _("Order overdue")
    ORDER_REFUSED = "order_refused", _("Refused to correct")
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    FINDING_OPEN_LONG = "finding_open_long", _("Finding open for long")


class CreditSourceKind(models.TextChoices):
    """What an event refers to, by kind and id (never a foreign key upwards)."""

    ASSESSMENT = "assessment", _("Supervisory assessment")
    INSPECTION = "inspection", _("On-site inspection")
    ORDER = "order", _("Order to correct")
    DECISION = "decision", _("Penalty decision")


class CreditEvent(models.Model):
    """信用记录事项: one thing that bears on a unit's quality credit, with its date, source and article.

    One event per (unit, kind, source): a source reporting again changes nothing."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="credit_events", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=24, choices=CreditEventKind.choices)
    occurred_on = models.DateField(_("date"))
    source_kind = models.CharField(_("source"), max_length=12, choices=CreditSourceKind.choices)
    source_id = models.PositiveIntegerField(_("source id"))
    source_label = models.CharField(_("source label"), max_length=200, blank=True)
    article = models.CharField(_("article cited"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "source_kind", "source_id"], name="credit_event_once_per_source"),
        ]
        indexes = [models.Index(fields=["occurred_on", "kind"], name="credit_event_window")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.occurred_on}"


class CreditClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class CreditRuleSet(models.Model):
    """信用分类规则: one version of the rules; a change is a new version, the old ones are kept.

    The score of a unit is the sum of the weights of its events inside each rule's look-back
    window (a positive weight counts against the unit, a negative one for it); the class is D from
    `d_from`, C from `c_from`, B from `b_from`, A below. Global, not per bureau: a unit's class
    must mean the same across the province it is compared in (issue 18, Henan's sampling ratios)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    b_from = models.IntegerField(_("class B from score"))
    c_from = models.IntegerField(_("class C from score"))
    d_from = models.IntegerField(_("class D from score"))
    note = models.TextField(_("reason for the change"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit rule set")
        verbose_name_plural = _("credit rule sets")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(b_from__lte=F("c_from"), c_from__lte=F("d_from")), name="credit_thresholds_ordered"),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def letter_for(self, score: int) -> str:
        if score >= self.d_from:
            return CreditClass.D
        if score >= self.c_from:
            return CreditClass.C
        if score >= self.b_from:
            return CreditClass.B
        return CreditClass.A


class CreditRule(models.Model):
    """One event kind's weight and look-back window in a rule set, with the reason for them."""

    rule_set = models.ForeignKey(CreditRuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule set"))
    kind = models.CharField(_("event kind"), max_length=24, choices=CreditEventKind.choices)
    weight = models.IntegerField(_("weight"))
    window_months = models.PositiveSmallIntegerField(_("look-back window (months)"))
    rationale = models.TextField(_("rationale"))

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["rule_set", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="credit_rule_one_per_kind"),
            models.CheckConstraint(condition=Q(window_months__gte=1, window_months__lte=120), name="credit_rule_window_range"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.weight:+d}/{self.window_months}"


class UnitCreditClass(models.Model):
    """A unit's current class, its score and the events that made it, as last computed."""

    unit = models.OneToOneField(ProductionUnit, on_delete=models.CASCADE, related_name="credit_class", verbose_name=_("unit"))
    letter = models.CharField(_("class"), max_length=1, choices=CreditClass.choices, db_index=True)
    score = models.IntegerField(_("score"))
    explanation = models.TextField(_("explanation"))
    computed_at = models.DateTimeField(_("computed at"))
    rule_set = models.ForeignKey(CreditRuleSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set"))

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("unit credit class")
        verbose_name_plural = _("unit credit classes")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.letter}"
