"""Realistic register rows for the demo, the tests and the benchmarks: valid USCCs and resident ID
numbers (python-stdnum check digits), Chinese names and addresses from Faker (zh_CN).

Rows are dicts keyed by the import template's headers, so they go through the real import."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker
from stdnum.cn import ric, uscc

from .imports.personnel import PERSON_COLUMNS
from .imports.units import UNIT_COLUMNS

_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LICENCE_CATEGORIES = ["电线电缆", "危险化学品", "化肥", "水泥", "建筑用钢筋", "食品相关产品", "危险化学品包装物及容器"]
CCC_CATEGORIES = ["家用和类似用途设备", "电动工具", "低压电器", "照明电器", "电动自行车", "儿童用品", "信息技术设备"]
STANDARD_CATEGORIES = ["纺织品", "家具", "鞋类", "学生用品", "塑料制品"]


def make_uscc(rng: random.Random, county_code: str) -> str:
    # 9 = registered with market regulation, 1 = enterprise; then the county code and an org code.
    body = "91" + county_code + "".join(rng.choice(_ORG_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


@lru_cache(maxsize=64)
def _regions_valid_in(year: int) -> tuple[str, ...]:
    """Zhejiang region codes that existed in `year` (an ID number carries its birth-time code)."""
    valid = []
    for code in (f"33{city:02d}{county:02d}" for city in range(1, 12) for county in range(1, 90)):
        body = f"{code}{year}0101001"
        try:
            ric.validate(body + ric.calc_check_digit(body + "0"))
        except Exception:
            continue
        valid.append(code)
    return tuple(valid)


def make_resident_id(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
    region = rng.choice(_regions_valid_in(born.year))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def make_mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "137", "150", "158", "186", "187", "189", "177"]) + f"{rng.randrange(0, 10**8):08d}"


def unit_rows(n: int, county_codes: list[str], seed: int = 1) -> list[dict[str, object]]:
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    headers = {c.key: c.header for c in UNIT_COLUMNS}
    rows = []
    used = set()
    for index in range(n):
        county = county_codes[index % len(county_codes)]
        code = make_uscc(rng, county)
        while code in used:
            code = make_uscc(rng, county)
        used.add(code)
        kind = rng.random()
        licence = ccc = ""
        categories: list[str] = []
        if kind < 0.35:
            category = rng.choice(LICENCE_CATEGORIES)
            licence = f"(浙)XK{rng.randrange(1, 30):02d}-{rng.randrange(1, 999):03d}-{index % 100000:05d}"
            categories.append(category)
        elif kind < 0.65:
            categories.append(rng.choice(CCC_CATEGORIES))
            ccc = f"{2020 + rng.randrange(0, 6)}{rng.randrange(1, 99):02d}{index:010d}"[:16].ljust(16, "0")
        else:
            categories.append(rng.choice(STANDARD_CATEGORIES))
        employees = int(rng.lognormvariate(4.3, 1.2))
        revenue = round(employees * rng.uniform(20, 120), 2)
        rows.append({
            headers["uscc"]: code,
            headers["name"]: fake.company(),
            headers["county"]: county,
            headers["address"]: fake.street_address(),
            headers["legal_representative"]: fake.name(),
            headers["phone"]: make_mobile(rng),
            headers["employee_count"]: employees,
            headers["revenue_wan"]: revenue,
            headers["licences"]: licence,
            headers["cccs"]: ccc,
            headers["categories"]: "、".join(categories),
            headers["mandatory_standard"]: "是" if rng.random() < 0.8 else "否",
            headers["licence_valid_until"]: (date(2025, 6, 1) + timedelta(days=rng.randrange(0, 2000))).isoformat() if licence else "",
            headers["ccc_valid_until"]: (date(2025, 6, 1) + timedelta(days=rng.randrange(0, 2000))).isoformat() if ccc else "",
        })
    return rows


def person_rows(units: list[dict[str, object]], seed: int = 2, director_share: float = 0.85) -> list[dict[str, object]]:
    """A principal for every unit, a director for most, one or two officers for most."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    h = {c.key: c.header for c in PERSON_COLUMNS}
    uscc_header = UNIT_COLUMNS[0].header
    rows = []
    for unit in units:
        roles = ["主要负责人"]
        if rng.random() < director_share:
            roles.append("质量安全总监")
        roles += ["质量安全员"] * (rng.choice([0, 1, 1, 1, 2]))
        for role in roles:
            rows.append({
                h["uscc"]: unit[uscc_header],
                h["name"]: fake.name(),
                h["id_number"]: make_resident_id(rng),
                h["role"]: role,
                h["phone"]: make_mobile(rng),
                h["appointed_on"]: (date(2023, 5, 5) + timedelta(days=rng.randrange(0, 900))).isoformat(),
            })
    return rows


def rows_to_csv(rows: list[dict[str, object]], headers: list[str], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def rows_to_xlsx(rows: list[dict[str, object]], headers: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
