"""行政处罚信息公示: the public disclosure of a fine, the last states of the penalty procedure
(DESIGN.md: decision → disclosure → withdrawal), and the unit's application for credit repair
(信用修复) that can end it early.

The rules are those of 《市场监督管理行政处罚信息公示规定》 (SAMR Order No. 45, 2021) and
《行政处罚法》 Art. 48; they are applied in `supervision.services.disclosure`. The public page itself is
a Wagtail page made by `cms.services`; supervision keeps only its id, so the record of the penalty
never reads upwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enforcement import PenaltyDecision


class DisclosureStatus(models.TextChoices):
    DRAFTED = "drafted", _("Awaiting approval")
    PUBLISHED = "published", _("Public")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WithdrawalGround(models.TextChoices):
    # Order 45 Art. 13: the disclosure stops when its period ends.
    PERIOD_ENDED = "period_ended", _("The disclosure period has ended")
    # Order 45 Art. 14 (提前停止公示) and 《市场监督管理信用修复管理办法》: the unit applied, the bureau agreed.
    REPAIRED = "repaired", _("Credit repaired on the unit's application")
    # 行政处罚法 Art. 48 ¶2: a decision changed or revoked is withdrawn within three days, with the reason.
    DECISION_CHANGED = "decision_changed", _("The decision was corrected or revoked")


class PenaltyDisclosure(models.Model):
    """One fine's disclosure: drafted for the approvers, public once approved (within 20 working
    days of the decision, Order 45 Art. 8), withdrawn with its ground and reason kept."""

    decision = models.OneToOneField(PenaltyDecision, on_delete=models.PROTECT, related_name="disclosure", verbose_name=_("penalty decision"))
    status = models.CharField(_("status"), max_length=12, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFTED)
    page_id = models.PositiveIntegerField(_("public page"), null=True, blank=True)
    due_on = models.DateField(_("to be public by"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    published_on = models.DateField(_("public since"), null=True, blank=True)
    ends_on = models.DateField(_("disclosure period ends"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_ground = models.CharField(_("ground for the withdrawal"), max_length=16, choices=WithdrawalGround.choices, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("withdrawn by"))

    scope_path_lookup = "decision__unit__county__path"

    class Meta:
        verbose_name = _("penalty disclosure")
        verbose_name_plural = _("penalty disclosures")
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_ground="")),
                name="disclosure_withdrawal_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.decision.number


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the approver")
    APPROVED = "approved", _("Agreed")
    REFUSED = "refused", _("Not agreed")


class CreditRepairApplication(models.Model):
    """信用修复申请: the unit asks for its penalty's disclosure to stop early, having done what the
    decision required; the operator records the application, an approver decides, with reasons."""

    disclosure = models.ForeignKey(PenaltyDisclosure, on_delete=models.PROTECT, related_name="repair_applications", verbose_name=_("penalty disclosure"))
    applied_on = models.DateField(_("applied on"))
    statement = models.TextField(_("the unit's statement"), help_text=_("What the unit did: the fine paid, the violation corrected, the harm removed."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)

    scope_path_lookup = "disclosure__decision__unit__county__path"

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure"], condition=Q(status="pending"), name="repair_one_pending_per_disclosure"),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure} · {self.applied_on:%Y-%m-%d}"
