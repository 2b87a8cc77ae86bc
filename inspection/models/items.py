from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..articles import ARTICLE_CHOICES, citation


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class FindingConsequence(models.TextChoices):
    # Order 75 Art. 17: 责令改正，给予警告；拒不改正的，处五千元以上五万元以下罚款.
    ART17 = "art17", _("Order to correct and warning (Order 75 Art. 17)")
    CORRECT = "correct", _("Order to correct")


class InspectionItem(models.Model):
    """抽查事项: an item of the inspection list; its content is its current `InspectionItemVersion`.

    Editing makes a new version, so a finished inspection keeps the exact item it used
    (see `inspection.services`). National, like the question bank: no jurisdiction."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=ItemStatus.choices, default=ItemStatus.ACTIVE, db_index=True)
    current_version = models.OneToOneField(
        "InspectionItemVersion", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("current version"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.current_version.title}" if self.current_version_id else self.code


class InspectionItemVersion(models.Model):
    """抽查事项版本: one frozen wording of an item. Never changed once made."""

    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("inspection item"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    article = models.CharField(_("legal basis"), max_length=16, choices=ARTICLE_CHOICES, db_index=True)
    content = models.TextField(_("what is inspected"))
    method = models.TextField(_("inspection method"))
    consequence = models.CharField(_("consequence of a finding"), max_length=8, choices=FindingConsequence.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection item version")
        verbose_name_plural = _("inspection item versions")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="unique_inspection_item_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def legal_basis(self) -> str:
        return citation(self.article)
