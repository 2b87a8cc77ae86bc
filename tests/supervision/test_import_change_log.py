"""Issue 14: the change log entries an import writes as plain rows (COPY on PostgreSQL) are the
entries wagtail's own `log()` would write: one per changed object, one shared uuid per import, the
actor, the object's content type and label, and data that survives any character a cell can hold."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from supervision.fake_register import person_rows, unit_rows
from supervision.models import Person, ProductionUnit
from tests.factories import import_people, import_units

ADDRESS, NAME, USCC = "生产地址", "单位名称", "统一社会信用代码"


def test_one_import_writes_one_entry_per_changed_unit_as_wagtail_would(tree, staff, client_for):
    rows = unit_rows(4, ["330110"], seed=81)
    assert import_units(rows, tree.county_a).ok
    awkward = 'A\\B\t"引号"\n第二行 \\N'  # backslash, tab, quote, newline, COPY's NULL marker
    rows[0][ADDRESS] = awkward
    rows[1][NAME] = f"{rows[1][NAME]}（更名）"
    started = timezone.now()
    result = import_units(rows, tree.county_a, actor=staff.operator_a)
    assert result.updated == 2 and result.unchanged == 2

    entries = list(ModelLogEntry.objects.filter(action="supervision.import_change").order_by("pk"))
    units = {u.uscc: u for u in ProductionUnit.objects.all()}
    assert [e.object_id for e in entries] == [str(units[rows[0][USCC]].pk), str(units[rows[1][USCC]].pk)]
    assert len({e.uuid for e in entries}) == 1 and entries[0].uuid is not None
    content_type = ContentType.objects.get_for_model(ProductionUnit)
    for entry in entries:
        assert entry.content_type == content_type and entry.user == staff.operator_a
        assert entry.revision is None and not entry.content_changed and not entry.deleted
        assert started - timedelta(seconds=1) <= entry.timestamp <= timezone.now()
    stored = units[rows[0][USCC]].address
    assert entries[0].data["changes"]["address"][1] == stored and "\\" in stored and '"' in stored
    assert entries[1].label == rows[1][NAME] and entries[1].data["changes"]["name"][1] == rows[1][NAME]

    # Wagtail's own history view reads them like any entry.
    page = client_for(staff.operator_a).get(reverse("units:history", args=[units[rows[1][USCC]].pk]))
    assert page.status_code == 200


def test_person_entries_carry_the_person_and_unit_label(tree, staff):
    units = unit_rows(1, ["330110"], seed=82)
    assert import_units(units, tree.county_a).ok
    people = person_rows(units, seed=83)
    assert import_people(people, tree.county_a).ok
    people[0]["姓名"] = "新名字"
    assert import_people(people, tree.county_a, actor=staff.operator_a).updated == 1
    entry = ModelLogEntry.objects.get(action="supervision.import_change")
    person = Person.objects.get(name="新名字")
    assert entry.content_type == ContentType.objects.get_for_model(Person) and entry.object_id == str(person.pk)
    assert entry.label == f"新名字（{units[0][USCC]}）" and entry.user == staff.operator_a
