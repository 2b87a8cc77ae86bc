"""Test data built through the real services, as users would build it (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass

from supervision.models import Jurisdiction, JurisdictionLevel, StaffProfile, StaffRole
from supervision.services.staff import staff_create

PASSWORD = "test-Passw0rd-zl"


@dataclass
class Tree:
    province: Jurisdiction
    city: Jurisdiction
    county_a: Jurisdiction
    county_b: Jurisdiction
    other_city: Jurisdiction
    county_c: Jurisdiction


def make_tree() -> Tree:
    province = Jurisdiction.add_root(code="330000", name="浙江省", level=JurisdictionLevel.PROVINCE)
    city = province.add_child(code="330100", name="杭州市", level=JurisdictionLevel.CITY)
    county_a = city.add_child(code="330110", name="余杭区", level=JurisdictionLevel.COUNTY)
    county_b = Jurisdiction.objects.get(pk=city.pk).add_child(code="330113", name="临平区", level=JurisdictionLevel.COUNTY)
    other_city = Jurisdiction.objects.get(pk=province.pk).add_child(code="330200", name="宁波市", level=JurisdictionLevel.CITY)
    county_c = other_city.add_child(code="330203", name="海曙区", level=JurisdictionLevel.COUNTY)
    return Tree(*(Jurisdiction.objects.get(pk=j.pk) for j in (province, city, county_a, county_b, other_city, county_c)))


def make_staff(username: str, role: str, jurisdiction: Jurisdiction, **extra) -> StaffProfile:
    return staff_create(
        actor=None, username=username, password=PASSWORD, full_name=extra.pop("full_name", "测试人员"),
        jurisdiction=jurisdiction, role=role, **extra,
    )


ROLES = StaffRole


def unit_file(rows, *, fmt="csv", encoding="utf-8-sig") -> bytes:
    from supervision.fake_register import rows_to_csv, rows_to_xlsx
    from supervision.imports.units import UNIT_COLUMNS

    headers = [c.header for c in UNIT_COLUMNS]
    return rows_to_xlsx(rows, headers) if fmt == "xlsx" else rows_to_csv(rows, headers, encoding)


def person_file(rows, *, fmt="csv", encoding="utf-8-sig") -> bytes:
    from supervision.fake_register import rows_to_csv, rows_to_xlsx
    from supervision.imports.personnel import PERSON_COLUMNS

    headers = [c.header for c in PERSON_COLUMNS]
    return rows_to_xlsx(rows, headers) if fmt == "xlsx" else rows_to_csv(rows, headers, encoding)


def import_units(rows, jurisdiction, *, dry_run=False, actor=None, fmt="csv", encoding="utf-8-sig"):
    from supervision.services.register import register_import_file

    return register_import_file(kind="units", data=unit_file(rows, fmt=fmt, encoding=encoding),
                                filename=f"units.{fmt}", jurisdiction=jurisdiction, actor=actor, dry_run=dry_run)


def import_people(rows, jurisdiction, *, dry_run=False, actor=None, fmt="csv"):
    from supervision.services.register import register_import_file

    return register_import_file(kind="personnel", data=person_file(rows, fmt=fmt), filename=f"people.{fmt}",
                                jurisdiction=jurisdiction, actor=actor, dry_run=dry_run)
