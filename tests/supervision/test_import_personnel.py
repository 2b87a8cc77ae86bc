import pytest

from supervision.fake_register import person_rows, unit_rows
from supervision.models import Person
from supervision.personal_data import id_number_decrypt, id_number_hash
from tests.factories import import_people, import_units

P = {"uscc": "统一社会信用代码", "name": "姓名", "id": "身份证号", "role": "岗位", "phone": "手机号", "date": "任职日期"}


@pytest.fixture
def units(tree):
    rows = unit_rows(5, ["330110"], seed=3)
    assert import_units(rows, tree.county_a).ok
    return rows


@pytest.fixture
def people(units):
    return person_rows(units, seed=4)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_import_with_their_id_numbers_protected(tree, people, fmt):
    result = import_people(people, tree.county_a, fmt=fmt)
    assert result.ok, result.errors
    assert result.created == len(people)
    person = Person.objects.get(id_number_hash=id_number_hash(people[0][P["id"]]))
    id_number = people[0][P["id"]]
    assert id_number not in person.id_number_encrypted
    assert id_number_decrypt(person.id_number_encrypted) == id_number
    assert person.id_number_masked == id_number[:4] + "*" * 10 + id_number[-4:]


def test_reimport_changes_nothing_and_a_change_updates(tree, people):
    import_people(people, tree.county_a)
    again = import_people(people, tree.county_a)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(people))
    people[0][P["phone"]] = "13900001111"
    people[0][P["role"]] = "质量安全员"
    preview = import_people(people, tree.county_a, dry_run=True)
    assert (preview.created, preview.updated) == (0, 1)
    assert set(preview.changes[0].fields) == {"岗位", "任职日期", "手机号"}  # a new post starts
    import_people(people, tree.county_a)
    # Order 75 Art. 13 调整: the old post closes and the new one opens, both on record.
    old, new = Person.objects.filter(id_number_hash=id_number_hash(people[0][P["id"]])).order_by("pk")
    assert (new.phone, new.role, new.left_on) == ("13900001111", "officer", None)
    assert old.left_on == new.appointed_on and old.role != "officer"


def test_errors_never_echo_a_whole_id_number_and_nothing_is_written(tree, people):
    people[0][P["id"]] = people[0][P["id"]][:-1] + ("0" if people[0][P["id"]][-1] != "0" else "1")
    people[1][P["uscc"]] = "91330113MA27U0HK2T"
    people[2][P["role"]] = "厂长"
    people[3][P["phone"]] = "1234"
    people[4][P["date"]] = "去年"
    people[5] = dict(people[6])
    result = import_people(people, tree.county_a)
    assert Person.objects.count() == 0
    errors = {e.row: e for e in result.errors}
    assert "身份证号" in errors[2].message and "*" in errors[2].value and people[0][P["id"]] not in str(errors[2])
    assert "请先导入单位" in errors[3].message
    assert "主要负责人" in errors[4].message
    assert "手机号" in errors[5].message
    assert "日期" in errors[6].message
    assert "与第 7 行是同一单位的同一人员" in errors[8].message


def test_people_of_a_unit_outside_the_jurisdiction_are_refused(tree, people):
    result = import_people(people, tree.county_b)
    assert not result.ok
    assert {e.column for e in result.errors} == {"统一社会信用代码"}
    assert Person.objects.count() == 0
