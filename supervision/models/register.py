from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .jurisdiction import Jurisdiction


class Catalogue(models.TextChoices):
    LICENCE = "licence", _("Production licence catalogue")
    CCC = "ccc", _("CCC catalogue")
    STANDARD = "standard", _("Mandatory national standard products")


class ProductCategory(models.Model):
    """产品类别: a product category of the production-licence catalogue, the CCC catalogue, or the
    products with mandatory national standards."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    catalogue = models.CharField(_("catalogue"), max_length=16, choices=Catalogue.choices)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["catalogue", "name"]

    def __str__(self) -> str:
        return self.name


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("In production")
    CLOSED = "closed", _("Closed down")


class ProductionUnit(models.Model):
    """生产单位: a unit that makes industrial products in a county, keyed by its USCC.

    `size_class` (Art. 18) and `director_required` (Art. 5) are derived by `supervision.rules` and
    stored by the services that write units, so lists filter on them in the database."""

    uscc = models.CharField(_("USCC"), max_length=18, unique=True)
    name = models.CharField(_("unit name"), max_length=128)
    county = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="units", verbose_name=_("county"),
    )
    address = models.CharField(_("production address"), max_length=255, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_wan = models.DecimalField(_("revenue (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    mandatory_standard = models.BooleanField(_("mandatory national standard products"), default=False)
    categories = models.ManyToManyField(ProductCategory, blank=True, related_name="units", verbose_name=_("product categories"))
    status = models.CharField(_("status"), max_length=8, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, default=SizeClass.SMALL)
    director_required = models.BooleanField(_("director required"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_path_lookup = "county__path"

    class Meta:
        verbose_name = _("production unit")
        verbose_name_plural = _("production units")
        ordering = ["county__code", "name"]
        indexes = [models.Index(fields=["county", "name"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=Q(revenue_wan__gte=0) | Q(revenue_wan__isnull=True), name="unit_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class QualificationKind(models.TextChoices):
    LICENCE = "licence", _("Production licence")
    CCC = "ccc", _("CCC certificate")


class Qualification(models.Model):
    """资质: a unit's production licence (生产许可证) or CCC certificate, with category and validity."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=8, choices=QualificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product category"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="unique_qualification_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class PersonRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    DIRECTOR = "director", _("Quality safety director")
    OFFICER = "officer", _("Quality safety officer")


class Person(models.Model):
    """质量安全管理人员: a unit's principal (主要负责人), quality safety director (质量安全总监) or
    officer (质量安全员).

    The resident ID number is sensitive personal information (PIPL Art. 28): it is stored encrypted
    (`id_number_encrypted`), found by a keyed hash (`id_number_hash`), and shown masked
    (`id_number_masked`). See `supervision.personal_data`."""

    unit = models.ForeignKey(ProductionUnit, on_delete=models.CASCADE, related_name="people", verbose_name=_("unit"))
    role = models.CharField(_("post"), max_length=12, choices=PersonRole.choices)
    name = models.CharField(_("Name"), max_length=32)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"))
    id_number_hash = models.CharField(_("ID number (keyed hash)"), max_length=64, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("mobile"), max_length=16, blank=True)
    # Order 75 Art. 13: the 设立、调整 of these posts is recorded. A row is one post held over time:
    # leaving closes it (left_on), a later re-appointment opens a new row, so the history stays.
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Order 75 Art. 15 ¶1: 未通过考核的人员不得担任相应岗位. Set by the assessment side (through
    # supervision.services.register.person_assessment_record) when the person failed or missed a
    # supervision assessment, cleared when they pass a re-exam.
    assessment_unpassed_since = models.DateField(_("not passed the supervision assessment since"), null=True, blank=True)
    assessment_unpassed_label = models.CharField(_("assessment not passed"), max_length=200, blank=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("quality staff member")
        verbose_name_plural = _("quality staff")
        ordering = ["unit__name", "role", "name"]
        constraints = [
            # One current post per person and unit; posts they have left stay beside it as history.
            models.UniqueConstraint(
                fields=["unit", "id_number_hash"], condition=Q(left_on__isnull=True), name="one_current_post_per_person",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(appointed_on__isnull=True) | Q(left_on__gte=models.F("appointed_on")),
                name="person_left_after_appointed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def in_post(self) -> bool:
        return self.left_on is None
