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

    class Meta:
        ordering = ["uploaded_at"]


class DecisionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")


class DecisionStatus(models.TextChoices):
    DECIDED = "decided", _("Decided")
    SERVED = "served", _("Served")
    PAID = "paid", _("Paid")
    REVIEW = "review", _("Under review or appeal")


FINE_MIN_YUAN = 5_000
FINE_MAX_YUAN = 50_000


class PenaltyDecision(models.Model):
    """行政处罚决定: a warning, or a fine of 5,000 to 50,000 yuan (Order 75 Art. 17), decided by an
    approver on an order to correct."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("unit"))
    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("order to correct"))
    kind = models.CharField(_("kind"), max_length=8, choices=DecisionKind.choices)
    fine_yuan = models.PositiveIntegerField(_("fine (yuan)"), null=True, blank=True)
    number = models.CharField(_("decision number"), max_length=64, unique=True)
    facts = models.TextField(_("facts"))
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_on = models.DateField(_("decided on"))
    status = models.CharField(_("status"), max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.DECIDED)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            # Order 75 Art. 17: "处五千元以上五万元以下罚款"; a warning carries no amount.
            models.CheckConstraint(
                condition=(Q(kind="fine", fine_yuan__gte=FINE_MIN_YUAN, fine_yuan__lte=FINE_MAX_YUAN) | Q(kind="warning", fine_yuan__isnull=True)),
                name="penalty_fine_range",
            ),
        ]

    def __str__(self) -> str:
        return self.number
