from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .register import Person, ProductionUnit


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    EVIDENCE = "evidence", _("Evidence submitted")
    VERIFIED = "verified", _("Verified (closed)")
    OVERDUE = "overdue", _("Overdue")
    REFUSED = "refused", _("Refused")


class OrderSource(models.TextChoices):
    ASSESSMENT = "assessment", _("Failed assessment")
    REGISTER = "register", _("Register finding")
    INSPECTION = "inspection", _("On-site inspection")


class RectificationOrder(models.Model):
    """整改通知 / 责令改正: an order to a unit to correct, with its deadline and evidence.

    Its source is only a reference (kind, id, label), never a key into the assessment app, so the
    register does not depend on the layers above it (DESIGN.md §3)."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="orders", verbose_name=_("unit"))
    number = models.CharField(_("document number"), max_length=64, unique=True)
    source_kind = models.CharField(_("source"), max_length=12, choices=OrderSource.choices)
    source_id = models.PositiveIntegerField(_("source id"), null=True, blank=True)
    source_label = models.CharField(_("source label"), max_length=200, blank=True)
    reason = models.TextField(_("facts"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED, db_index=True)
    requires_resit = models.BooleanField(_("re-exam required"), default=False)
    resit_passed = models.BooleanField(_("re-exam passed"), default=False)
    # Order 75 Art. 16: the unit or its head unjustifiably rejected the director's or officer's advice.
    advice_rejected = models.BooleanField(_("the head rejected the director's or officer's advice"), default=False)
    advice_note = models.TextField(_("record of the rejected advice"), blank=True)
    cleared_people = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("staff cleared under Art. 16"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["deadline", "pk"]
        constraints = [models.CheckConstraint(condition=Q(deadline__gte=models.F("issued_on")), name="order_deadline_after_issue")]

    def __str__(self) -> str:
        return self.number


class OrderEvidence(models.Model):
    """整改材料: what the unit submitted (training records, appointment documents)."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("order"))
    file = models.FileField(_("file"), upload_to="rectification/%Y/")
    description = models.CharField(_("description"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "order__unit__county__path"

    class Meta:
        ordering = ["uploaded_at"]


class DecisionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    # 行政处罚法 Art. 57 ¶1(2), (3): after the notice and the unit's statement, the authority may
    # find that no penalty is due; it decides so in writing, and the intended fine is not imposed.
    NO_PENALTY = "no_penalty", _("No penalty")


class NoPenaltyGround(models.TextChoices):
    """行政处罚法 Art. 57 ¶1(2), (3) and Art. 33 ¶1: why no penalty is imposed."""

    NOT_ESTABLISHED = "not_established", _("The facts of the violation are not established")
    MINOR_CORRECTED = "minor_corrected", _("The violation was minor and corrected in time, with no harmful consequence")
    FIRST_MINOR = "first_minor", _("A first violation with minor harmful consequence, corrected in time")


class DecisionStatus(models.TextChoices):
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Served")
    PAID = "paid", _("Paid")
    REVIEW = "review", _("Under review or appeal")


FINE_MIN_YUAN = 5_000
FINE_MAX_YUAN = 50_000


class PenaltyDecision(models.Model):
    """行政处罚决定: a warning, or a fine of 5,000 to 50,000 yuan (Order 75 Art. 17), on an order to correct.

    The warning comes with the order (summary procedure, 行政处罚法 Art. 51); a fine follows only a
    refusal to correct, after its prior notice (`PenaltyNotice`). A correction never adds a
    decision beside the old one: the old one is marked superseded and the new one points at it."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("unit"))
    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("order to correct"))
    notice = models.ForeignKey("PenaltyNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name=_("prior notice"))
    kind = models.CharField(_("kind"), max_length=12, choices=DecisionKind.choices)
    fine_yuan = models.PositiveIntegerField(_("fine (yuan)"), null=True, blank=True)
    no_penalty_ground = models.CharField(_("ground for no penalty"), max_length=16, choices=NoPenaltyGround.choices, blank=True)
    number = models.CharField(_("decision number"), max_length=64, unique=True)
    facts = models.TextField(_("facts"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    # Order 75 Art. 16 ¶3: how the unit carried out its responsibility weighs on the amount.
    circumstances = models.TextField(_("circumstances weighed for the amount"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_on = models.DateField(_("decided on"))
    status = models.CharField(_("status"), max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.DECIDED)
    superseded = models.BooleanField(_("superseded by a correction"), default=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by", verbose_name=_("corrects decision"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            # Order 75 Art. 17: "处五千元以上五万元以下罚款"; a warning carries no amount.
            models.CheckConstraint(
                condition=(Q(kind="fine", fine_yuan__gte=FINE_MIN_YUAN, fine_yuan__lte=FINE_MAX_YUAN) | Q(kind__in=["warning", "no_penalty"], fine_yuan__isnull=True)),
                name="penalty_fine_range",
            ),
            # 行政处罚法 Art. 29: "对当事人的同一个违法行为，不得给予两次以上罚款的行政处罚".
            models.UniqueConstraint(fields=["order"], condition=Q(kind="fine", superseded=False), name="penalty_one_fine_per_order"),
            # 行政处罚法 Art. 57: one outcome of the procedure on an order, a fine or no penalty, never both.
            models.UniqueConstraint(fields=["order"], condition=Q(kind__in=["fine", "no_penalty"], superseded=False), name="penalty_one_outcome_per_order"),
            # Order 75 Art. 17: one warning, given with the order to correct.
            models.UniqueConstraint(fields=["order"], condition=Q(kind="warning", superseded=False), name="penalty_one_warning_per_order"),
        ]

    def __str__(self) -> str:
        return self.number


class PenaltyNotice(models.Model):
    """行政处罚告知书: before a fine, the facts, reasons, basis and intended amount, and the unit's
    right to state its case and defend itself (行政处罚法 Art. 44, 45) and, for a large fine, to a
    hearing (Art. 63). One per order: the fine it announces is the only one (Art. 29)."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="penalty_notices", verbose_name=_("unit"))
    order = models.OneToOneField(RectificationOrder, on_delete=models.PROTECT, related_name="penalty_notice", verbose_name=_("order to correct"))
    number = models.CharField(_("notice number"), max_length=64, unique=True)
    facts = models.TextField(_("facts"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    intended_fine_yuan = models.PositiveIntegerField(_("intended fine (yuan)"))
    circumstances = models.TextField(_("circumstances weighed for the amount"), blank=True)
    notified_on = models.DateField(_("notified on"))
    statement_deadline = models.DateField(_("statements accepted until"))
    hearing_offered = models.BooleanField(_("hearing offered"), default=False)
    waived_on = models.DateField(_("rights waived in writing on"), null=True, blank=True)
    waiver_note = models.TextField(_("record of the written waiver"), blank=True)
    waiver_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_note = models.TextField(_("hearing record"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("prior notice of a penalty")
        verbose_name_plural = _("prior notices of penalties")
        ordering = ["-notified_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intended_fine_yuan__gte=FINE_MIN_YUAN, intended_fine_yuan__lte=FINE_MAX_YUAN), name="notice_fine_range",
            ),
            models.CheckConstraint(condition=Q(statement_deadline__gte=models.F("notified_on")), name="notice_period_after_notice"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hearing_request_deadline(self):
        """行政处罚法 Art. 64 ¶1(1): a hearing is asked for 告知后五日内, five working days (Art. 85)."""
        from ..workdays import working_days_after  # a real cycle: workdays reads HolidaySchedule

        return working_days_after(self.notified_on, 5)

    @property
    def hearing_requested(self) -> bool:
        return any(s.hearing_requested for s in self.statements.all())


class PenaltyStatement(models.Model):
    """陈述、申辩: what the unit said in its defence (行政处罚法 Art. 45), as received and recorded."""

    notice = models.ForeignKey(PenaltyNotice, on_delete=models.CASCADE, related_name="statements", verbose_name=_("prior notice"))
    text = models.TextField(_("statement"))
    received_on = models.DateField(_("received on"))
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement and defence")
        verbose_name_plural = _("statements and defences")
        ordering = ["received_on", "pk"]
