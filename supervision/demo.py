"""The demo data of `seed_demo`: one real province's tree and one staff user per role.

Idempotent: running it again leaves the same data and resets the demo passwords."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .fake_register import person_rows, rows_to_csv, unit_rows
from .imports.personnel import PERSON_COLUMNS
from .imports.units import UNIT_COLUMNS
from .models import HolidaySchedule, Jurisdiction, StaffProfile, StaffRole
from .services.jurisdictions import jurisdictions_load
from .services.penalties import legal_settings_set
from .services.register import register_import_file
from .services.staff import staff_create, staff_role_assign
from .workdays import package_covers

DIVISIONS_FILE = Path(__file__).resolve().parent / "fixtures" / "divisions" / "330000.csv"
DEMO_PASSWORD = "demo-Zlaq-2026"
DEMO_COUNTY = "330110"  # 杭州市余杭区
NEIGHBOUR_COUNTY = "330113"  # 杭州市临平区
DEMO_CITY = "330100"  # 杭州市


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    jurisdiction_code: str
    can_examine: bool = False


DEMO_LOGINS = [
    DemoLogin("yuhang-operator", "王建国", StaffRole.OPERATOR, DEMO_COUNTY, can_examine=True),
    DemoLogin("yuhang-approver", "李晓梅", StaffRole.APPROVER, DEMO_COUNTY, can_examine=True),
    DemoLogin("yuhang-admin", "赵志强", StaffRole.ADMIN, DEMO_COUNTY),
    # 余杭区's enforcement officers (执法人员), the inspectors of journey 7 on their phones.
    DemoLogin("yuhang-inspector1", "孙立新", StaffRole.OPERATOR, DEMO_COUNTY),
    DemoLogin("yuhang-inspector2", "钱文静", StaffRole.OPERATOR, DEMO_COUNTY),
    DemoLogin("linping-operator", "陈丽华", StaffRole.OPERATOR, NEIGHBOUR_COUNTY, can_examine=True),
    DemoLogin("hangzhou-overseer", "周明", StaffRole.OVERSEER, DEMO_CITY),
]
SUPERUSER = "platform-admin"


@transaction.atomic
def seed_staff() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo staff; returns (username, role label, jurisdiction) rows."""
    User = get_user_model()
    rows = []
    for login in DEMO_LOGINS:
        jurisdiction = Jurisdiction.objects.get(code=login.jurisdiction_code)
        profile = StaffProfile.objects.filter(user__username=login.username).select_related("user").first()
        if profile is None:
            profile = staff_create(
                actor=None, username=login.username, password=DEMO_PASSWORD, full_name=login.full_name,
                jurisdiction=jurisdiction, role=login.role, enforcement_cert_no=f"33{login.jurisdiction_code}{len(rows):04d}",
                can_examine=login.can_examine,
            )
        else:
            profile.user.set_password(DEMO_PASSWORD)
            profile.user.save(update_fields=["password"])
            staff_role_assign(user=profile.user, role=login.role)
        rows.append((login.username, profile.get_role_display(), jurisdiction.name))
    superuser = User.objects.filter(username=SUPERUSER).first()
    if superuser is None:
        superuser = User.objects.create_superuser(SUPERUSER, email="", password=DEMO_PASSWORD)
    else:
        superuser.set_password(DEMO_PASSWORD)
        superuser.save(update_fields=["password"])
    rows.append((SUPERUSER, gettext("Platform superuser"), gettext("all")))
    return rows


DEMO_UNITS = 360


def seed_register() -> None:
    """A few hundred units in the two demo counties, with their people, through the real import.
    Some units lack a director or officer, so the compliance view has something to show."""
    city = Jurisdiction.objects.get(code=DEMO_CITY)
    units = unit_rows(DEMO_UNITS, [DEMO_COUNTY, NEIGHBOUR_COUNTY], seed=2026)
    people = person_rows(units, seed=2026, director_share=0.9)
    for kind, rows, columns in (("units", units, UNIT_COLUMNS), ("personnel", people, PERSON_COLUMNS)):
        data = rows_to_csv(rows, [c.header for c in columns])
        result = register_import_file(kind=kind, data=data, filename=f"demo-{kind}.csv", jurisdiction=city,
                                      actor=None, dry_run=False)
        if not result.ok:
            raise RuntimeError(f"demo {kind} did not import: {result.errors[:3]}")


def seed_legal_settings() -> None:
    """Each demo county's particulars for its documents (illustrative, not the real bureaus')."""
    for code in (DEMO_COUNTY, NEIGHBOUR_COUNTY):
        county = Jurisdiction.objects.get(code=code)
        legal_settings_set(
            actor=None, jurisdiction=county, bureau_name=f"杭州市{county.name}市场监督管理局（演示）",
            address=f"杭州市{county.name}行政服务中心三楼（演示地址）", phone="0571-00000000",
            payment_place="中国工商银行杭州分行各营业网点（演示）",
            payment_method="凭决定书所附非税收入缴款码缴纳，或通过浙江政务服务网在线缴纳（演示）",
            review_authority=f"杭州市{county.name}人民政府", court="杭州铁路运输法院",
        )


def seed_holiday_schedules() -> None:
    """Periods in working days (行政处罚法 Art. 85) need each year's State Council schedule. For
    this year and next, where the pinned chinesecalendar has none yet, the demo enters an
    illustrative one (元旦 and 国庆 only), labelled so: a real platform administrator enters the
    notice's dates in 整改处罚 → 节假日安排."""
    for year in (timezone.localdate().year, timezone.localdate().year + 1):
        if not package_covers(year):
            HolidaySchedule.objects.get_or_create(year=year, defaults={
                "source": "演示数据（非官方）：请平台管理员按国务院办公厅当年节假日安排通知更正",
                "holidays": f"{year}-01-01\n{year}-10-01..{year}-10-07", "workdays": "",
            })


def seed_demo() -> list[tuple[str, str, str]]:
    jurisdictions_load(path=DIVISIONS_FILE)
    logins = seed_staff()
    seed_register()
    seed_legal_settings()
    seed_holiday_schedules()
    return logins
