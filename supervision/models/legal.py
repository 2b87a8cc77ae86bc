from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .jurisdiction import Jurisdiction


class BureauLegalSettings(models.Model):
    """A bureau's particulars for its legal documents: who it is, where and how fines are paid
    (行政处罚法 Art. 67: at a designated bank or electronically, never to the officer), and the
    review body and court named in every decision (Art. 59). Kept by the bureau's administrator."""

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.PROTECT, related_name="legal_settings", verbose_name=_("Jurisdiction"))
    bureau_name = models.CharField(_("bureau's full name"), max_length=100)
    address = models.CharField(_("bureau's address (for statements and hearings)"), max_length=200)
    phone = models.CharField(_("bureau's phone"), max_length=40, blank=True)
    payment_place = models.CharField(_("where fines are paid"), max_length=200)
    payment_method = models.CharField(_("how fines are paid"), max_length=300)
    review_authority = models.CharField(_("administrative review body"), max_length=100)
    court = models.CharField(_("court for administrative lawsuits"), max_length=100)

    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("bureau's legal particulars")
        verbose_name_plural = _("bureaus' legal particulars")
        ordering = ["jurisdiction__path"]

    def __str__(self) -> str:
        return self.bureau_name


class DocumentKind(models.TextChoices):
    ORDER = "order", _("Order to correct")
    NOTICE = "notice", _("Prior notice of a penalty")
    DECISION = "decision", _("Penalty decision")


class DocumentCounter(models.Model):
    """The last number a bureau gave a kind of document in a year. Taken under a row lock, so two
    staff issuing at once get consecutive numbers, never the same one."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year", "kind"], name="document_counter_once")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.year}/{self.kind}: {self.last}"


class HolidaySchedule(models.Model):
    """One year's statutory holidays and 调休 working weekends, as the State Council's notice (国务院
    办公厅关于××年部分节假日安排的通知, published each November) sets them, entered by the platform
    administrator. Periods in working days (行政处罚法 Art. 85) use it for its year instead of the
    `chinesecalendar` package's data, so a new year never waits for a package release."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source (the State Council's notice)"), max_length=200)
    holidays = models.TextField(_("holidays"), help_text=_("One date or range per line, e.g. 2027-01-01 or 2027-02-06..2027-02-14: every day off, weekends inside a holiday included."))
    workdays = models.TextField(_("weekend days worked (调休)"), blank=True, help_text=_("One date per line: the Saturdays and Sundays the notice makes working days."))

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self):
        from ..workdays import schedule_check  # a real cycle: workdays reads HolidaySchedule

        if self.year is None or not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
        try:
            schedule_check(year=self.year, holidays=self.holidays or "", workdays=self.workdays or "")
        except ValidationError as error:
            raise ValidationError(error.messages) from None
