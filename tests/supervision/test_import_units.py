"""The units import: every format regulators have, every error named, nothing half-written."""

import pytest
from django.core.management import call_command

from supervision.fake_register import unit_rows
from supervision.imports.table import ImportFileError
from supervision.models import ProductionUnit, Qualification
from supervision.services.register import register_import_file
from tests.factories import import_units, unit_file

U = {"uscc": "统一社会信用代码", "name": "单位名称", "county": "行政区划代码", "employees": "从业人员数",
     "revenue": "营业收入（万元）", "licence": "生产许可证编号", "ccc": "强制性产品认证证书编号",
     "categories": "产品类别", "standard": "涉及强制性国家标准", "phone": "联系电话"}


@pytest.fixture
def rows():
    return unit_rows(12, ["330110"], seed=7)


@pytest.mark.parametrize("fmt, encoding", [("csv", "utf-8-sig"), ("csv", "utf-8"), ("csv", "gb18030"), ("csv", "gbk"), ("xlsx", None)])
def test_every_format_imports_the_same(tree, rows, fmt, encoding):
    result = import_units(rows, tree.county_a, fmt=fmt, encoding=encoding or "utf-8")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (12, 0, 0)
    assert set(ProductionUnit.objects.values_list("name", flat=True)) == {r[U["name"]] for r in rows}


def test_reimporting_the_same_file_changes_nothing(tree, rows):
    import_units(rows, tree.county_a)
    before = list(ProductionUnit.objects.order_by("uscc").values())
    result = import_units(rows, tree.county_a)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 12)
    after = list(ProductionUnit.objects.order_by("uscc").values())
    assert [{k: v for k, v in u.items() if k != "updated_at"} for u in after] == [{k: v for k, v in u.items() if k != "updated_at"} for u in before]


def test_a_changed_row_updates_its_record_and_the_preview_says_so(tree, rows):
    import_units(rows, tree.county_a)
    rows[3][U["name"]] = "改名后的公司"
    rows[5][U["employees"]] = 1000
    preview = import_units(rows, tree.county_a, dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (0, 2, 10)
    changed = {c.key: c.fields for c in preview.changes}
    assert "单位名称" in changed[rows[3][U["uscc"]]]
    assert "从业人员数" in changed[rows[5][U["uscc"]]]
    assert ProductionUnit.objects.get(uscc=rows[3][U["uscc"]]).name != "改名后的公司"  # a preview writes nothing
    import_units(rows, tree.county_a)
    assert ProductionUnit.objects.get(uscc=rows[3][U["uscc"]]).name == "改名后的公司"
    # Order 75 Art. 18: 1,000 employees is large, and a large unit with mandatory standards needs a director (Art. 5).
    unit = ProductionUnit.objects.get(uscc=rows[5][U["uscc"]])
    assert unit.size_class == "large"


def test_derived_fields_follow_articles_5_and_18(tree):
    rows = unit_rows(1, ["330110"], seed=1)
    rows[0].update({U["employees"]: 300, U["revenue"]: "", U["licence"]: "", U["ccc"]: "", U["standard"]: "是", U["categories"]: "家具"})
    import_units(rows, tree.county_a)
    unit = ProductionUnit.objects.get()
    assert unit.size_class == "medium" and unit.director_required  # Art. 5(3)
    rows[0][U["employees"]] = 299
    import_units(rows, tree.county_a)
    unit.refresh_from_db()
    assert unit.size_class == "small" and not unit.director_required
    rows[0][U["licence"]] = "（浙）XK06-001-00001"  # full-width brackets, as Chinese Excel users type them
    import_units(rows, tree.county_a)
    unit.refresh_from_db()
    assert unit.director_required  # Art. 5(1): any licence unit
    assert Qualification.objects.get().number == "(浙)XK06-001-00001"


def test_spaces_and_full_width_characters_are_tolerated(tree, rows):
    row = rows[0]
    row[U["uscc"]] = " " + "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in row[U["uscc"]]) + " "
    row[U["employees"]] = "１２０"
    data = unit_file(rows).decode("utf-8-sig").replace("统一社会信用代码", " 统一社会信用代码 ").replace("营业收入（万元）", "营业收入(万元)")
    result = register_import_file(kind="units", data=data.encode("utf-8"), filename="u.csv",
                                  jurisdiction=tree.county_a, actor=None, dry_run=False)
    assert result.ok, result.errors
    assert ProductionUnit.objects.filter(employee_count=120).exists()


def test_errors_name_row_column_value_and_reason_and_nothing_is_written(tree, rows):
    rows[1][U["uscc"]] = "91330110MA2XXXXXX1"  # wrong check digit
    rows[2][U["county"]] = "330113"  # a neighbouring county: outside county A
    rows[3][U["county"]] = "330100"  # a city, not a county
    rows[4][U["employees"]] = "很多"
    rows[5][U["licence"]] = "XK-123"
    rows[6][U["ccc"]] = "12345"
    rows[7][U["categories"]] = "火箭"
    rows[8][U["standard"]] = "也许"
    rows[9][U["phone"]] = "12345"
    rows[10][U["uscc"]] = rows[0][U["uscc"]]  # same unit twice
    result = import_units(rows, tree.county_a)
    assert not result.written
    assert ProductionUnit.objects.count() == 0
    by_row = {(e.row, e.column): e for e in result.errors}
    assert by_row[(3, "统一社会信用代码")].value == "91330110MA2XXXXXX1"
    assert "校验位" in by_row[(3, "统一社会信用代码")].message
    assert "不在您的辖区" in by_row[(4, "行政区划代码")].message
    assert "不是县级" in by_row[(5, "行政区划代码")].message
    assert "整数" in by_row[(6, "从业人员数")].message
    assert "生产许可证编号" in by_row[(7, "生产许可证编号")].message
    assert "16 位" in by_row[(8, "强制性产品认证证书编号")].message
    assert by_row[(9, "产品类别")].value == "火箭"
    assert "是" in by_row[(10, "涉及强制性国家标准")].message
    assert "电话" in by_row[(11, "联系电话")].message
    assert "第 2 行" in by_row[(12, "统一社会信用代码")].message
    assert str(by_row[(3, "统一社会信用代码")]).startswith("第 3 行，“统一社会信用代码”列，值“91330110MA2XXXXXX1”：")


def test_a_unit_of_another_jurisdiction_cannot_be_taken_over(tree, rows):
    import_units(rows[:1], tree.county_b.get_parent())  # the city imports it into... county A's row says 330110
    ProductionUnit.objects.update(county=tree.county_b)
    result = import_units(rows[:1], tree.county_a)
    assert [e.message for e in result.errors] == ["该单位已在其他辖区登记。"]
    assert ProductionUnit.objects.get().county == tree.county_b


def test_a_certificate_number_belongs_to_one_unit(tree, rows):
    rows[0][U["licence"]] = "XK06-001-00001"
    import_units(rows[:1], tree.county_a)
    rows[1][U["licence"]] = "XK06-001-00001"
    result = import_units([rows[1]], tree.county_a)
    assert [(e.row, e.message) for e in result.errors] == [(2, "该证书编号已登记在其他单位名下。")]
    assert import_units(rows[:1], tree.county_a).ok  # the number may stay with its own unit
    rows[2][U["ccc"]] = rows[3][U["ccc"]] = "2024011234567890"
    result = import_units([rows[2], rows[3]], tree.county_a)
    assert [(e.row, e.message) for e in result.errors] == [(3, "与第 2 行的证书编号重复。")]


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "a.csv", "文件为空"),
        ("统一社会信用代码,单位名称\n91330110MA2XXXXXX0,某公司\n".encode(), "a.csv", "缺少必需的列：行政区划代码、生产地址"),
        ("统一社会信用代码,单位名称,行政区划代码,生产地址,法定代表人,联系电话,从业人员数,营业收入（万元）,生产许可证编号,强制性产品认证证书编号,产品类别,涉及强制性国家标准\n".encode(), "a.csv", "没有数据行"),
        (b"%PDF-1.4 not a spreadsheet", "a.pdf", "只能导入"),
        (b"PK\x03\x04 broken zip", "a.xlsx", "不是可读取的 Excel"),
        (b"\x00\x01\x02" * 10, "a.csv", "CSV"),
    ],
)
def test_an_unreadable_file_gets_one_clear_message(tree, data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        register_import_file(kind="units", data=data, filename=filename, jurisdiction=tree.county_a, actor=None, dry_run=False)


def test_an_oversized_file_is_refused(tree, monkeypatch):
    from supervision.imports import table

    monkeypatch.setattr(table, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="上限"):
        register_import_file(kind="units", data=b"x" * 101, filename="a.csv", jurisdiction=tree.county_a, actor=None, dry_run=False)


def test_command_exits_1_with_row_errors_and_writes_nothing(tree, rows, tmp_path, capsys):
    rows[2][U["uscc"]] = "bad"
    path = tmp_path / "units.csv"
    path.write_bytes(unit_file(rows, encoding="gb18030"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_units", str(path), "--jurisdiction", "330110")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第 4 行，“统一社会信用代码”列，值“bad”：不是有效的统一社会信用代码" in err
    assert ProductionUnit.objects.count() == 0


def test_command_dry_run_then_real_run(tree, rows, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(unit_file(rows, fmt="xlsx"))
    call_command("import_units", str(path), "--jurisdiction", "330110", "--dry-run")
    assert "新增 12" in capsys.readouterr().out
    assert ProductionUnit.objects.count() == 0
    call_command("import_units", str(path), "--jurisdiction", "330110")
    assert ProductionUnit.objects.count() == 12


def test_import_is_logged_with_actor(tree, rows, staff):
    from wagtail.models import ModelLogEntry

    import_units(rows, tree.county_a, actor=staff.operator_a)
    entry = ModelLogEntry.objects.get(action="supervision.import_units")
    assert entry.user == staff.operator_a
    assert entry.data["created"] == 12


def test_the_uscc_check_is_stdnums():
    """parse_uscc computes the check character itself (stdnum's clean-up of separators is a fifth
    of a row's parse): it must accept and refuse exactly what stdnum.cn.uscc.validate does."""
    import random

    from stdnum.cn import uscc

    from supervision.imports.cells import CellError, parse_uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    chance = random.Random(14)
    for _ in range(2000):
        code = "".join(chance.choice("0123456789") for _ in range(8)) + "".join(chance.choice(alphabet) for _ in range(10))
        if chance.random() < 0.5:
            code = code[:17] + uscc.calc_check_digit(code[:17])
        try:
            uscc.validate(code)
            valid = True
        except Exception:
            valid = False
        try:
            parse_uscc(code)
            parsed = True
        except CellError:
            parsed = False
        assert parsed == valid, code
    good = "91330110" + "MA2AAAAA0"
    good += uscc.calc_check_digit(good)
    assert parse_uscc(good) == good
    for bad in ("٩" + good[1:], "9133011O" + good[8:], good[:17]):  # Arabic-Indic digit, letter O, short
        with pytest.raises(CellError):
            parse_uscc(bad)
