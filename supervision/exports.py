"""Exporting the register and writing the import templates, with the import's own headers.

Export goes through django-import-export resources. Every text cell is made safe against formula
injection (CWE-1236): a cell starting with =, +, -, @, tab or CR gets a leading apostrophe, which
spreadsheet programs show as text. import-export's own setting covers only "=" and only its admin."""

from __future__ import annotations

import io

import tablib
from import_export import fields, resources

from .imports.personnel import PERSON_COLUMNS
from .imports.result import Column
from .imports.units import UNIT_COLUMNS
from .models import Person, ProductionUnit
from .personal_data import phone_mask

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeResource(resources.Resource):
    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


def _header(columns: list[Column], key: str) -> str:
    return next(c.header for c in columns if c.key == key)


def _join(values) -> str:
    return "、".join(sorted(values))


class UnitResource(SafeResource, resources.ModelResource):
    """The register of units, in the columns of the import template."""

    uscc = fields.Field(attribute="uscc", column_name=_header(UNIT_COLUMNS, "uscc"))
    name = fields.Field(attribute="name", column_name=_header(UNIT_COLUMNS, "name"))
    county = fields.Field(attribute="county__code", column_name=_header(UNIT_COLUMNS, "county"))
    address = fields.Field(attribute="address", column_name=_header(UNIT_COLUMNS, "address"))
    legal_representative = fields.Field(attribute="legal_representative", column_name=_header(UNIT_COLUMNS, "legal_representative"))
    phone = fields.Field(attribute="phone", column_name=_header(UNIT_COLUMNS, "phone"))
    employee_count = fields.Field(attribute="employee_count", column_name=_header(UNIT_COLUMNS, "employee_count"))
    revenue_wan = fields.Field(column_name=_header(UNIT_COLUMNS, "revenue_wan"))
    licences = fields.Field(column_name=_header(UNIT_COLUMNS, "licences"))
    cccs = fields.Field(column_name=_header(UNIT_COLUMNS, "cccs"))
    categories = fields.Field(column_name=_header(UNIT_COLUMNS, "categories"))
    mandatory_standard = fields.Field(column_name=_header(UNIT_COLUMNS, "mandatory_standard"))
    licence_valid_until = fields.Field(column_name=_header(UNIT_COLUMNS, "licence_valid_until"))
    ccc_valid_until = fields.Field(column_name=_header(UNIT_COLUMNS, "ccc_valid_until"))

    class Meta:
        model = ProductionUnit
        fields = [c.key for c in UNIT_COLUMNS]
        export_order = [c.key for c in UNIT_COLUMNS]

    def _numbers(self, unit, kind):
        return [q.number for q in unit.qualifications.all() if q.kind == kind]

    def _valid_until(self, unit, kind):
        dates = sorted(q.valid_until for q in unit.qualifications.all() if q.kind == kind and q.valid_until)
        return dates[0].isoformat() if dates else ""

    def dehydrate_revenue_wan(self, unit):
        return "" if unit.revenue_wan is None else float(unit.revenue_wan)

    def dehydrate_licences(self, unit):
        return _join(self._numbers(unit, "licence"))

    def dehydrate_cccs(self, unit):
        return _join(self._numbers(unit, "ccc"))

    def dehydrate_categories(self, unit):
        return _join(c.name for c in unit.categories.all())

    def dehydrate_mandatory_standard(self, unit):
        return "是" if unit.mandatory_standard else "否"

    def dehydrate_licence_valid_until(self, unit):
        return self._valid_until(unit, "licence")

    def dehydrate_ccc_valid_until(self, unit):
        return self._valid_until(unit, "ccc")


def units_export(*, queryset, file_format: str) -> bytes:
    queryset = queryset.select_related("county").prefetch_related("qualifications", "categories").order_by("county__code", "uscc")
    return dataset_bytes(UnitResource().export(queryset), file_format)


def dataset_bytes(dataset: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "csv":
        # With a BOM, so Excel opens UTF-8 as UTF-8.
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    return dataset.export("xlsx")


TEMPLATE_EXAMPLES = {
    "units": ["91330110MA2XXXXXX0", "杭州示例电缆有限公司", "330110", "杭州市余杭区示例路1号", "张三",
              "0571-88886666", "320", "5600", "(浙)XK06-001-00001", "", "电线电缆", "是", "2027-12-31", ""],
    "personnel": ["91330110MA2XXXXXX0", "李四", "330110199001011234", "质量安全总监", "13800000000", "2024-01-01", ""],
}


def register_template(*, kind: str, file_format: str) -> bytes:
    """The empty import template: the header row only (xlsx adds a sheet of instructions)."""
    columns = UNIT_COLUMNS if kind == "units" else PERSON_COLUMNS
    headers = [c.header for c in columns]
    if file_format == "csv":
        return dataset_bytes(tablib.Dataset(headers=headers), "csv")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(headers)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 20
        sheet.cell(row=1, column=index).number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "示例"])
    for column, example in zip(columns, TEMPLATE_EXAMPLES[kind]):
        notes.append([column.header, "必填列" if column.required else "可选列", example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class PersonResource(SafeResource, resources.ModelResource):
    uscc = fields.Field(attribute="unit__uscc", column_name="统一社会信用代码")
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number_masked", column_name="身份证号（脱敏）")
    role = fields.Field(column_name="岗位")
    phone = fields.Field(column_name="手机号")
    appointed_on = fields.Field(attribute="appointed_on", column_name="任职日期")

    class Meta:
        model = Person
        fields = ["uscc", "name", "id_number", "role", "phone", "appointed_on"]
        export_order = fields

    def dehydrate_role(self, person):
        return {"principal": "主要负责人", "director": "质量安全总监", "officer": "质量安全员"}[person.role]

    def dehydrate_phone(self, person):
        return phone_mask(person.phone)


# --- 行政处罚信息 for the provincial credit platform (issue 18) ----------------------------------
# The columns of the national data standard for administrative penalty information that the
# 信用中国 / provincial credit platforms take in (双公示, 行政处罚信息数据标准), in its order. Fixed
# Chinese headers, as the import templates' are: they are the receiving system's field names.
PENALTY_COLUMNS = [
    "行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "行政处罚决定书文号", "违法行为类型", "违法事实",
    "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关",
    "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
]


def _wan(yuan) -> str:
    return "" if yuan is None else f"{yuan / 10000:.6f}".rstrip("0").rstrip(".")


def penalty_rows(decisions) -> list[list]:
    """One row per decision (loaded with its unit, order, disclosure and the bureau's particulars)."""
    rows = []
    for d in decisions:
        fine = d.kind == "fine"
        disclosure = getattr(d, "disclosure", None)
        bureau = getattr(d.unit.county, "legal_settings", None)
        authority = bureau.bureau_name if bureau is not None else d.unit.county.name
        content = (f"罚款人民币{d.fine_yuan}元" if fine else "警告") + (f"（更正{d.supersedes.number}）" if d.supersedes_id else "")
        rows.append([neutralise(value) for value in (
            d.unit.name, "法人及非法人组织", d.unit.uscc, d.unit.legal_representative, d.number, d.order.reason, d.facts,
            d.legal_basis, "罚款" if fine else "警告", content, _wan(d.fine_yuan) if fine else "", d.decided_on.isoformat(),
            "", disclosure.ends_on.isoformat() if disclosure is not None and disclosure.ends_on else "", authority,
            "", authority, "", d.correction_reason and f"更正理由：{d.correction_reason}" or "",
        )])
    return rows


def penalties_export(*, decisions, file_format: str) -> bytes:
    dataset = tablib.Dataset(headers=PENALTY_COLUMNS)
    for row in penalty_rows(decisions):
        dataset.append(row)
    return dataset_bytes(dataset, file_format)
