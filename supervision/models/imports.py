from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jurisdiction import Jurisdiction


class ImportKind(models.TextChoices):
    UNITS = "units", _("Production units")
    PERSONNEL = "personnel", _("Quality staff")
    # The national question bank, imported by an approver or administrator of any bureau; the kind's
    # check and write are registered by assessment (supervision.services.import_jobs.register_import_kind).
    QUESTIONS = "questions", _("Questions")


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to confirm")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """导入任务: one uploaded file (register or question bank), checked (preview) and then, once confirmed, written.

    The file is kept until the job is done so the confirmation writes exactly what was previewed."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("confirmed by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"))
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    # Personnel only: the file lists every person in post of each unit it names, so the others leave.
    complete_staff = models.BooleanField(_("this file is the complete staff in post of its units"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.APPLYING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
