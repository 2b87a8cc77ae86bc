"""Reads of the register: compliance findings, computed in the database so lists filter on them."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Person, PersonRole, ProductionUnit, Qualification

# Finding code -> label. Each is an annotation `finding_<code>` on the units queryset.
FINDINGS = {
    # Order 75 Art. 5: the unit must have a 质量安全总监 and has none in post.
    "no_director": _("Director required but none in post (Art. 5)"),
    # Order 75 Art. 5: every unit appoints 质量安全员 ("在依法配备质量安全员的基础上").
    "no_officer": _("No officer in post (Art. 5)"),
    "double_appointment": _("A director or officer is also appointed at another unit"),
    "expired_qualification": _("A licence or certificate has expired"),
    # Order 75 Art. 5(3) with Art. 18: a mandatory-standard unit needs a director when it is large or
    # medium; with its employee count or revenue missing it counts as small and the duty would be
    # silently missed. 规模数据缺失: the figures must be completed before the duty can be judged.
    # Order 75 Art. 15 ¶1: 未通过考核的人员不得担任相应岗位 - a director or officer in post who failed
    # or missed a supervision assessment and has not passed a re-exam since.
    "unpassed_in_post": _("A director or officer in post has not passed the supervision assessment (Art. 15)"),
    "size_data_missing": _("Size data missing where the size decides a duty (Art. 5, Art. 18)"),
}


def _in_post(queryset):
    return queryset.filter(left_on__isnull=True)


def unit_staff_in_post(unit: ProductionUnit) -> QuerySet[Person]:
    """Who holds the unit's posts now: a person who has left is in no count, list or draw."""
    return _in_post(unit.people.all()).order_by("role", "name", "pk")


def unit_post_record(unit: ProductionUnit) -> QuerySet[Person]:
    """岗位任职记录 (Order 75 Art. 13: the 设立、调整 of principal, director and officers is recorded):
    every post the unit's people have held, current posts first, then the newest first."""
    return unit.people.order_by(
        F("left_on").desc(nulls_first=True), F("appointed_on").desc(nulls_last=True), "role", "-pk",
    )


def units_with_findings(queryset: QuerySet[ProductionUnit]) -> QuerySet[ProductionUnit]:
    quality_roles = [PersonRole.DIRECTOR, PersonRole.OFFICER]
    director = _in_post(Person.objects.filter(unit=OuterRef("pk"), role=PersonRole.DIRECTOR))
    officer = _in_post(Person.objects.filter(unit=OuterRef("pk"), role=PersonRole.OFFICER))
    elsewhere = _in_post(Person.objects.filter(
        id_number_hash=OuterRef("id_number_hash"), role__in=quality_roles,
    ).exclude(unit=OuterRef("unit")))
    double = _in_post(Person.objects.filter(unit=OuterRef("pk"), role__in=quality_roles)).filter(Exists(elsewhere))
    expired = Qualification.objects.filter(unit=OuterRef("pk"), valid_until__lt=timezone.localdate())
    return queryset.annotate(
        finding_no_director=Q(director_required=True) & ~Exists(director),
        finding_no_officer=~Exists(officer),
        finding_double_appointment=Exists(double),
        finding_expired_qualification=Exists(expired),
        finding_unpassed_in_post=Exists(_in_post(Person.objects.filter(
            unit=OuterRef("pk"), role__in=quality_roles, assessment_unpassed_since__isnull=False,
        ))),
        finding_size_data_missing=Q(mandatory_standard=True, director_required=False) & (Q(employee_count__isnull=True) | Q(revenue_wan__isnull=True)),
    )


def filter_by_finding(queryset: QuerySet[ProductionUnit], code: str) -> QuerySet[ProductionUnit]:
    """Units with the given finding ("any" for at least one); expects `units_with_findings`."""
    if code == "any":
        condition = Q()
        for name in FINDINGS:
            condition |= Q(**{f"finding_{name}": True})
        return queryset.filter(condition)
    return queryset.filter(**{f"finding_{code}": True})


def unit_findings(unit: ProductionUnit) -> list[str]:
    """The findings of one unit that was loaded through `units_with_findings`."""
    return [str(label) for code, label in FINDINGS.items() if getattr(unit, f"finding_{code}", False)]
