import csv
import io

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from supervision.models import Jurisdiction, Person, ProductCategory, ProductionUnit, StaffProfile

from .blueprint import Blueprint


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    FROZEN = "frozen", _("Frame frozen")
    DRAWN = "drawn", _("Drawn")
    CLOSED = "closed", _("Round closed")


class SamplingMethod(models.TextChoices):
    SIMPLE = "simple", _("Simple random")
    STRATIFIED = "stratified", _("Stratified")


class Stratification(models.TextChoices):
    COUNTY = "county", _("By county")
    CATEGORY = "category", _("By product category")
    SIZE = "size", _("By size class")
    # The unit's quality credit class (supervision's A–D, issue 18) as it stood when the frame was
    # frozen: the frame file records it, so the draw stays verifiable after classes change.
    CREDIT_CLASS = "credit_class", _("By credit risk class")


class Allocation(models.TextChoices):
    PROPORTIONAL = "proportional", _("Proportional")
    NEYMAN = "neyman", _("Neyman (by last round's pass rates)")
    # Risk-weighted sampling: each credit class drawn at its own ratio (`SamplingPlan.class_ratios`).
    CLASS_RATIO = "class_ratio", _("A ratio per class")


# Henan's risk-weighted sampling (issue 18): the higher the risk, the larger the share drawn,
# class D 30 %, C 10 %, B 2 %, A 1 %. Percent per credit class, the default of a new plan.
HENAN_CLASS_RATIOS = {"A": 1, "B": 2, "C": 10, "D": 30}


def henan_class_ratios() -> dict[str, int]:
    return dict(HENAN_CLASS_RATIOS)


class SamplingUnit(models.TextChoices):
    UNIT = "unit", _("Units, with all their directors and officers")
    PERSON = "person", _("Persons directly")


class PlanPurpose(models.TextChoices):
    """What the drawn units are for: the free assessment of their staff (Order 75 Art. 15), or an
    on-site inspection of the unit (Art. 14, the `inspection` app). Both use the same frame and draw."""

    ASSESSMENT = "assessment", _("Assessment of directors and officers")
    INSPECTION = "inspection", _("On-site inspection")


class SamplingPlan(models.Model):
    """抽查考核计划: a year's (or batch's) plan of random assessments in a jurisdiction: who is
    eligible, how many to draw and how, approved by an approver before the draw."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction"))
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.PositiveSmallIntegerField(_("batch"), default=1)
    title = models.CharField(_("title"), max_length=128)
    purpose = models.CharField(_("purpose"), max_length=12, choices=PlanPurpose.choices, default=PlanPurpose.ASSESSMENT, db_index=True)
    # The population rule.
    include_licence = models.BooleanField(_("production licence units"), default=True)
    include_ccc = models.BooleanField(_("CCC units"), default=True)
    include_standard = models.BooleanField(_("mandatory national standard units"), default=False)
    size_classes = models.JSONField(_("size classes"), default=list, blank=True, help_text=_("Empty: every size."))
    counties = models.ManyToManyField(Jurisdiction, blank=True, related_name="+", verbose_name=_("counties"), help_text=_("Empty: every county of the jurisdiction."))
    categories = models.ManyToManyField(ProductCategory, blank=True, related_name="+", verbose_name=_("product categories"), help_text=_("Empty: every category."))
    roles = models.JSONField(_("roles assessed"), default=list, help_text=_("director, officer, principal"))
    # How many and how.
    sampling_unit = models.CharField(_("sampled"), max_length=8, choices=SamplingUnit.choices, default=SamplingUnit.UNIT)
    method = models.CharField(_("method"), max_length=12, choices=SamplingMethod.choices, default=SamplingMethod.SIMPLE)
    stratify_by = models.CharField(_("strata"), max_length=12, choices=Stratification.choices, blank=True)
    allocation = models.CharField(_("allocation"), max_length=12, choices=Allocation.choices, default=Allocation.PROPORTIONAL)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True, help_text=_("Leave empty to use the ratio."))
    sample_ratio_percent = models.DecimalField(_("sample ratio (percent)"), max_digits=5, decimal_places=2, default=5)
    # Percent per class letter, numbers or decimal strings ("2.5"), each 0 < r <= 100
    # (`services.sampling.class_ratios_clean`); used only with Allocation.CLASS_RATIO.
    class_ratios = models.JSONField(_("sampling ratio per credit class (percent)"), default=henan_class_ratios, blank=True)
    director_blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("blueprint for directors"))
    officer_blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("blueprint for officers"))
    # Results: a candidate who never sat counts as not passed (and is always shown apart from 不合格).
    absent_counts_as_failed = models.BooleanField(_("absent counts as not passed"), default=True, help_text=_("Candidates marked absent are counted as units that did not pass; they are always shown separately from those who failed."))
    # The examiner draw: when the bureau's own eligible staff are fewer than this multiple of the
    # examiners needed, the draw also takes the city's other counties' enforcement staff.
    examiner_pool_widen = models.BooleanField(_("widen a small examiner pool to the city"), default=True, help_text=_("When the bureau has too few staff who can examine, draw from the enforcement staff of the city's other counties as well."))
    examiner_pool_multiple = models.PositiveSmallIntegerField(_("examiner pool multiple"), default=3, help_text=_("The pool is widened when it holds fewer than this many times the examiners needed."))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["-year", "-batch", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "purpose", "year", "batch"], name="unique_plan_batch"),
            models.CheckConstraint(condition=Q(sample_ratio_percent__gt=0, sample_ratio_percent__lte=100), name="plan_ratio_range"),
            models.CheckConstraint(
                condition=~Q(allocation=Allocation.CLASS_RATIO) | Q(method=SamplingMethod.STRATIFIED, stratify_by=Stratification.CREDIT_CLASS),
                name="plan_class_ratio_by_credit_class",
                violation_error_message=_("A ratio per class is used only with a stratified draw by credit risk class."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Frame(models.Model):
    """抽样框: the eligible population frozen as a canonical CSV and its SHA-256, before any seed exists."""

    plan = models.OneToOneField(SamplingPlan, on_delete=models.PROTECT, related_name="frame", verbose_name=_("plan"))
    csv_text = models.TextField(_("frame file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("elements"))
    strata = models.JSONField(_("elements per stratum"))
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("frozen by"))
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    scope_path_lookup = "plan__jurisdiction__path"

    class Meta:
        verbose_name = _("frame")
        verbose_name_plural = _("frames")

    def __str__(self) -> str:
        return f"{self.plan} · {self.sha256[:12]}"


class Draw(models.Model):
    """抽取: one run of the consistent sampler on a frozen frame with a public seed. A re-draw is
    a new Draw with a reason, shown beside the old one; nothing is drawn silently."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("plan"))
    frame = models.ForeignKey(Frame, on_delete=models.PROTECT, related_name="draws", verbose_name=_("frame"))
    seed = models.CharField(_("seed"), max_length=200)
    method = models.CharField(_("method"), max_length=128)
    sizes = models.JSONField(_("sample size per stratum"))
    parameters = models.JSONField(_("parameters"))
    code_sha256 = models.CharField(_("code version (SHA-256 of verify_draw.py)"), max_length=64)
    reason = models.TextField(_("reason for a re-draw"), blank=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("replaces"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    scope_path_lookup = "plan__jurisdiction__path"

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["plan", "drawn_at"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.drawn_at:%Y-%m-%d %H:%M}"

    @property
    def current(self) -> bool:
        return not hasattr(self, "replaced_by")


class DrawSelection(models.Model):
    """One element selected by a draw, in ticket order; extensions take the next tickets."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="selections", verbose_name=_("draw"))
    position = models.PositiveIntegerField(_("position"))
    element_id = models.CharField(_("id"), max_length=40)
    stratum = models.CharField(_("stratum"), max_length=64, blank=True)
    ticket = models.CharField(_("ticket"), max_length=90)
    unit = models.ForeignKey(ProductionUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person"))
    is_extension = models.BooleanField(_("extension"), default=False)
    withdrawn_reason = models.CharField(_("withdrawn because"), max_length=200, blank=True)

    scope_path_lookup = "draw__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("selected element")
        verbose_name_plural = _("selected elements")
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "element_id"], name="unique_selection_per_draw")]

    def __str__(self) -> str:
        return self.element_id


class ConflictDeclaration(models.Model):
    """回避: a staff member's declared conflict of interest with a unit; they are never drawn for it."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("staff member"))
    unit = models.ForeignKey(ProductionUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    scope_path_lookup = "unit__county__path"

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["staff", "unit"], name="unique_conflict")]

    def __str__(self) -> str:
        return f"{self.staff} · {self.unit}"


class SessionMode(models.TextChoices):
    ONLINE = "online", _("Online")
    ONSITE = "onsite", _("On site")


class ExaminerPool(models.TextChoices):
    """Where a session's examiners were drawn from: the bureau's own staff, or (a small bureau)
    also the enforcement staff of the city's other counties (执法检查人员名录库)."""

    OWN = "own", _("Own bureau")
    CITY = "city", _("Own bureau and the city's other counties")


class ExamSession(models.Model):
    """考试场次: when and where sampled people sit the assessment, and the examiners drawn for it."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=64)
    mode = models.CharField(_("mode"), max_length=8, choices=SessionMode.choices, default=SessionMode.ONLINE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Latecomers: no new attempt starts after this moment (e.g. 30 minutes after the start), the
    # way an exam room bars late arrivals; empty means until the end.
    # 补考: a re-exam after the round closed, for the persons who failed or were absent (Order 75
    # Art. 15 ¶3); its sittings settle the units' orders and never change the round's statistics.
    is_resit = models.BooleanField(_("re-exam session"), default=False)
    latest_start_at = models.DateTimeField(_("latest start"), null=True, blank=True, help_text=_("No one may start after this time; empty: until the session ends."))
    # The examiner draw's frame: the eligible staff after recusal as a canonical CSV and its hash,
    # published with the round like the unit frame so that anyone can re-run the draw.
    examiner_frame_csv = models.TextField(_("examiner frame"), blank=True)
    examiner_frame_sha256 = models.CharField(_("examiner frame SHA-256"), max_length=64, blank=True)
    examiners = models.ManyToManyField(StaffProfile, through="ExaminerAssignment", related_name="+", verbose_name=_("examiners"))

    scope_path_lookup = "plan__jurisdiction__path"

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=Q(latest_start_at__isnull=True) | Q(latest_start_at__gte=F("starts_at"), latest_start_at__lte=F("ends_at")),
                name="session_latest_start_within_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_at:%Y-%m-%d %H:%M}）"

    @property
    def examiner_pool(self) -> str:
        """The pool the examiner frame was built from, read off the frame itself ("" before the draw)."""
        if not self.examiner_frame_csv:
            return ""
        rows = csv.DictReader(io.StringIO(self.examiner_frame_csv))
        return ExaminerPool.CITY if any(row.get("pool") == ExaminerPool.CITY for row in rows) else ExaminerPool.OWN

    def get_examiner_pool_display(self) -> str:
        return ExaminerPool(self.examiner_pool).label if self.examiner_pool else ""


class ExaminerAssignment(models.Model):
    """An examiner (检查人员) drawn for a session, with the ticket that put them there."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(StaffProfile, on_delete=models.PROTECT, related_name="assignments")
    ticket = models.CharField(_("ticket"), max_length=90)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="unique_examiner_per_session")]


class Ticket(models.Model):
    """准考证: a sampled person's admission to a session. The access code is shown once at issue
    and stored only as a hash; re-issuing replaces it."""

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("session"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    selection = models.ForeignKey(DrawSelection, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    number = models.CharField(_("ticket number"), max_length=16, unique=True)
    access_code_hash = models.CharField(_("access code (hash)"), max_length=128)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    # The paper is assembled when the ticket is issued, with the blueprint it was assembled from,
    # so that starting the exam copies it in one insert.
    paper = models.JSONField(_("paper"), null=True, blank=True)
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("blueprint"))
    sittings_allowed = models.PositiveSmallIntegerField(_("sittings allowed"), default=1)
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    absent_marked_at = models.DateTimeField(_("marked absent at"), null=True, blank=True)
    # Wrong access codes typed for this ticket since its last login or unlock; at the limit the
    # ticket (and only it) is locked until `locked_until` or until an examiner unlocks it.
    failed_logins = models.PositiveSmallIntegerField(_("wrong access codes"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Revoked when the unit is withdrawn from the draw: the ticket no longer logs in and counts in
    # no result; an attempt already started is kept and marked.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("revoked because"), max_length=200, blank=True)

    scope_path_lookup = "session__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("admission ticket")
        verbose_name_plural = _("admission tickets")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="unique_ticket_per_person_session")]

    def __str__(self) -> str:
        return self.number


class LoginThrottle(models.Model):
    """Failed exam logins from one client address in the current window. Kept in the database so
    that every web process counts the same failures (a per-process memory would give a script one
    allowance per worker)."""

    address = models.CharField(_("address"), max_length=64, unique=True)
    window_started_at = models.DateTimeField(_("window started at"))
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return f"{self.address}: {self.failures}"


class NoticePrint(models.Model):
    """One printing of a session's notices (考核通知书). The access codes printed are kept,
    Fernet-encrypted, until the session ends so that the same notices can be printed again after
    a paper jam; a reprint for a unit makes new codes and says on the page that it replaces the
    earlier notice. After the session ends the codes are erased."""

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="notice_prints", verbose_name=_("session"))
    tickets = models.ManyToManyField(Ticket, related_name="notice_prints", verbose_name=_("tickets"))
    codes_encrypted = models.TextField(_("access codes (encrypted)"), blank=True)
    replaces_earlier = models.BooleanField(_("replaces an earlier notice"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("printed by"))
    created_at = models.DateTimeField(_("printed at"), auto_now_add=True)

    scope_path_lookup = "session__plan__jurisdiction__path"

    class Meta:
        verbose_name = _("printed notices")
        verbose_name_plural = _("printed notices")
        ordering = ["session", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.created_at:%Y-%m-%d %H:%M}"
