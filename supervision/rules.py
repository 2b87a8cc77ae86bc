"""The register's legal rules, each in one place and citing its article (SAMR Order No. 75)."""

from __future__ import annotations

from decimal import Decimal

LARGE_EMPLOYEES = 1000
LARGE_REVENUE_WAN = Decimal("40000")  # 四亿元 = 40,000 万元
MEDIUM_EMPLOYEES = 300
MEDIUM_REVENUE_WAN = Decimal("2000")  # 二千万元 = 2,000 万元


def size_class_for(*, employee_count: int | None, revenue_wan: Decimal | None) -> str:
    """Order 75 Art. 18(3): large = 从业人员一千人以上 or 营业收入四亿元以上; medium = 三百人以上一千人以下
    or 二千万元以上四亿元以下. "以上" includes the number itself, so 1,000 employees is large and 300
    is medium; a unit meeting either test of a class is in it; unknown figures count as zero."""
    employees = employee_count or 0
    revenue = revenue_wan or Decimal(0)
    if employees >= LARGE_EMPLOYEES or revenue >= LARGE_REVENUE_WAN:
        return "large"
    if employees >= MEDIUM_EMPLOYEES or revenue >= MEDIUM_REVENUE_WAN:
        return "medium"
    return "small"


def director_required_for(*, has_licence_or_ccc: bool, size_class: str, mandatory_standard: bool) -> bool:
    """Order 75 Art. 5: a 质量安全总监 is required (1) for production-licence units, (2) for CCC
    units, and (3) for other large and medium units whose products carry mandatory national
    standards (涉及人身健康和生命财产安全并有强制性国家标准要求)."""
    if has_licence_or_ccc:
        return True
    return mandatory_standard and size_class in ("large", "medium")
