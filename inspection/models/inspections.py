"""现场检查: one drawn unit's on-site inspection under Order 75 Art. 14 and 双随机、一公开.

An inspection plan is an assessment app `SamplingPlan` whose purpose is inspection: its frame,
public seed and draw are the same code (never forked). Each current `DrawSelection` of such a plan
becomes one `Inspection`, with at least two inspectors drawn from the enforcement staff whose
执法证 is valid on the day (`InspectorAssignment`). On site the inspectors record each item of the
list in the version the inspection was given (`ItemCheck`), the unit's daily / weekly / monthly
records they saw (`RecordSighting`, Art. 10–12), the hazards those records show and whether each
was corrected (`Hazard`, Art. 14), photos of the records (`InspectionPhoto`), and both sign; the
unit's representative confirms (签字确认) or refuses, which is noted. Findings become a
rectification order in supervision (`Inspection.order`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.models import DrawSelection, SamplingPlan
from supervision.models import ProductionUnit, RectificationOrder, StaffProfile

from .items import InspectionItemVersion

# 双随机: at least two enforcement staff inspect each unit (行政处罚法 Art. 42 ¶1: 执法人员不得少于两人).
MIN_INSPECTORS = 2


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Inspectors assigned")
    IN_PROGRESS = "in_progress", _("Being recorded")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Inspection(models.Model):
    """One drawn unit's on-site inspection, with its inspectors and what they recorded."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("plan"))
    selection = models.OneToOneField(DrawSelection, on_delete=models.PROTECT, related_name="inspection", verbose_name=_("selected element"))
    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED, db_index=True)
    scheduled_on = models.DateField(_("planned date"), null=True, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    # The inspector draw's frame: the enforcement staff eligible for this unit after recusal, as a
    # canonical CSV and its hash, so that anyone can re-run the draw with the plan's public seed.
    inspector_frame_csv = models.TextField(_("inspector frame"), blank=True)
    inspector_frame_sha256 = models.CharField(_("inspector frame SHA-256"), max_length=64, blank=True)
    inspectors = models.ManyToManyField(StaffProfile, through="InspectorAssignment", related_name="+", verbose_name=_("inspectors"))
    # 签字确认: the unit's representative confirms the record, or refuses and the inspectors note it.
    representative_name = models.CharField(_("unit representative"), max_length=64, blank=True)
    representative_title = models.CharField(_("representative's post"), max_length=64, blank=True)
    representative_confirmed_at = models.DateTimeField(_("confirmed by the unit at"), null=True, blank=True)
    representative_refused = models.BooleanField(_("the representative refused to sign"), default=False)
    representative_note = models.TextField(_("note on the confirmation"), blank=True)
    summary = models.TextField(_("overall finding"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    order = models.OneToOneField(RectificationOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="inspection", verbose_name=_("rectification order"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path_lookup = "plan__jurisdiction__path"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["plan", "selection__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status="completed"),
                name="inspection_completed_at_only_when_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.unit}"


class InspectorAssignment(models.Model):
    """An inspector drawn for an inspection, the ticket that put them there, the 执法证号 they held
    on the day of the draw, and when they signed the record."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("inspection"))
    staff = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="inspection_assignments", verbose_name=_("inspector"))
    ticket = models.CharField(_("ticket"), max_length=90)
    position = models.PositiveSmallIntegerField(_("position"))
    cert_no = models.CharField(_("enforcement certificate number"), max_length=32)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    scope_path_lookup = "inspection__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["inspection", "position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "staff"], name="unique_inspector_per_inspection")]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.staff}"


class CheckResult(models.TextChoices):
    CONFORM = "conform", _("Conforms")
    NONCONFORM = "nonconform", _("Does not conform")
    NOT_APPLICABLE = "na", _("Not applicable")


class ItemCheck(models.Model):
    """One item of the list as inspected, in the version the inspection was given."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks", verbose_name=_("inspection"))
    item_version = models.ForeignKey(InspectionItemVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspection item"))
    position = models.PositiveSmallIntegerField(_("position"))
    result = models.CharField(_("result"), max_length=12, choices=CheckResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    # When the phone recorded it (the offline queue may deliver it later): a late delivery of an
    # older entry never overwrites a newer one.
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    scope_path_lookup = "inspection__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("item checked")
        verbose_name_plural = _("items checked")
        ordering = ["inspection", "position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item_version"], name="unique_check_per_item")]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.item_version}"


class RecordKind(models.TextChoices):
    # Order 75 Art. 10–12: the unit's own records of its daily control, weekly review, monthly meeting.
    DAILY = "daily", _("Daily quality safety inspection record (Art. 10)")
    WEEKLY = "weekly", _("Weekly hazard review report (Art. 11)")
    MONTHLY = "monthly", _("Monthly scheduling meeting minutes (Art. 12)")


class RecordSighting(models.Model):
    """Which of the unit's Art. 10–12 records the inspectors saw, and for which period."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sightings", verbose_name=_("inspection"))
    kind = models.CharField(_("record"), max_length=8, choices=RecordKind.choices)
    seen = models.BooleanField(_("seen"), default=False)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    scope_path_lookup = "inspection__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("record seen")
        verbose_name_plural = _("records seen")
        ordering = ["inspection", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind"], name="unique_sighting_per_kind"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="sighting_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.get_kind_display()}"


class Hazard(models.Model):
    """A quality safety hazard (风险隐患) found in the unit's records or on site, and whether the
    unit corrected it (Art. 14: 风险隐患以及整改情况)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="hazards", verbose_name=_("inspection"))
    # The phone's own id for the entry, so that a save the offline queue delivers twice is one row.
    client_id = models.UUIDField(_("client id"))
    record_kind = models.CharField(_("found in"), max_length=8, choices=RecordKind.choices, blank=True, help_text=_("Empty: found on site."))
    description = models.TextField(_("hazard"))
    corrected = models.BooleanField(_("corrected"), default=False)
    correction_note = models.TextField(_("how it was corrected, or what remains"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    scope_path_lookup = "inspection__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["inspection", "recorded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "client_id"], name="unique_hazard_client_id")]

    def __str__(self) -> str:
        return self.description[:40]


class InspectionPhoto(models.Model):
    """A photo of the unit's records, taken with the phone's camera, resized on the phone before
    upload, stored with its SHA-256 (the same photo delivered twice is one row)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection"))
    item_check = models.ForeignKey(ItemCheck, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos", verbose_name=_("item checked"))
    client_id = models.UUIDField(_("client id"))
    file = models.FileField(_("file"), upload_to="inspection/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=32)
    size = models.PositiveIntegerField(_("bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_path_lookup = "inspection__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "client_id"], name="unique_photo_client_id"),
            models.UniqueConstraint(fields=["inspection", "sha256"], name="unique_photo_per_inspection"),
        ]

    def __str__(self) -> str:
        return self.caption or self.sha256[:12]
