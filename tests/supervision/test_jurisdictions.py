import pytest
from django.core.management import CommandError, call_command

from supervision.demo import DIVISIONS_FILE
from supervision.models import Jurisdiction, JurisdictionLevel
from supervision.models.jurisdiction import level_for_code


@pytest.mark.parametrize(
    "code, level",
    [("330000", "province"), ("330100", "city"), ("330110", "county"), ("330383", "county"), ("110100", "city")],
)
def test_level_follows_gbt2260_code(code, level):
    assert level_for_code(code) == level


@pytest.mark.django_db
def test_shipped_zhejiang_file_loads_as_a_tree():
    call_command("load_divisions", str(DIVISIONS_FILE))
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.PROVINCE).count() == 1
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.CITY).count() == 11
    assert Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).count() == 90
    yuhang = Jurisdiction.objects.get(code="330110")
    assert yuhang.name == "余杭区"
    assert yuhang.get_parent().code == "330100"
    assert yuhang.get_parent().get_parent().code == "330000"
    # Every county's parent is its city (first four digits).
    for county in Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY):
        assert county.get_parent().code == county.code[:4] + "00"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(capsys):
    call_command("load_divisions", str(DIVISIONS_FILE))
    before = list(Jurisdiction.objects.values_list("code", "name", "path"))
    call_command("load_divisions", str(DIVISIONS_FILE))
    assert "新增 0，更名 0，未变 102。" in capsys.readouterr().out
    assert list(Jurisdiction.objects.values_list("code", "name", "path")) == before


@pytest.mark.django_db
def test_a_renamed_division_is_updated(tmp_path):
    call_command("load_divisions", str(DIVISIONS_FILE))
    changed = tmp_path / "gbk.csv"
    changed.write_bytes("代码,名称\n330000,浙江省\n330100,杭州市\n330110,余杭新区\n".encode("gb18030"))
    call_command("load_divisions", str(changed))
    assert Jurisdiction.objects.get(code="330110").name == "余杭新区"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        ("编号,地名\n330000,浙江省\n", "表头"),
        ("code,name\n33000,浙江省\n", "6 位数字"),
        ("code,name\n330000,浙江省\n330000,浙江\n", "重复"),
        ("code,name\n330000,浙江省\n330110,余杭区\n330100,\n", "名称为空"),
        ("code,name\n440305,南山区\n", "找不到上级"),
    ],
)
def test_a_bad_file_writes_nothing_and_names_the_row(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_divisions", str(path))
    assert message in capsys.readouterr().err
    assert not Jurisdiction.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_divisions", str(tmp_path / "nope.csv"))
