from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jurisdiction import Jurisdiction


class StaffRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    APPROVER = "approver", _("Approver")
    OVERSEER = "overseer", _("Overseer")
    ADMIN = "admin", _("Administrator")


class StaffProfile(models.Model):
    """工作人员: a regulator's staff member, the bureau (jurisdiction) they work for and their role.

    The role decides the user's group (and so their permissions, see `supervision.roles`); the
    jurisdiction decides what they can see (see `supervision.scoping`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
        verbose_name=_("User"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="staff", verbose_name=_("Jurisdiction"),
    )
    role = models.CharField(_("Role"), max_length=16, choices=StaffRole.choices)
    enforcement_cert_no = models.CharField(_("Enforcement certificate number"), max_length=32, blank=True)
    # 执法证 validity: only staff whose certificate is valid on the day can be drawn as inspectors.
    enforcement_cert_valid_until = models.DateField(
        _("Enforcement certificate valid until"), null=True, blank=True,
        help_text=_("Staff are drawn as inspectors only while their enforcement certificate is valid."),
    )
    can_examine = models.BooleanField(
        _("Can be drawn as an examiner"), default=False,
        help_text=_("When ticked, this person can be drawn at random as an examiner under the “double random” rule."),
    )

    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("Staff")
        verbose_name_plural = _("Staff")
        ordering = ["jurisdiction__path", "user__username"]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.get_role_display()}）"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
