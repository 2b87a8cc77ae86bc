"""Issue 14, change history: the preview shows old → new, the confirm logs it per unit and person
(personal values only as changed), the history pages show it, scoped, at a constant query count."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from supervision.fake_register import person_rows, unit_rows
from supervision.models import ImportJob, ImportStatus, Person, ProductionUnit
from tests.factories import import_people, import_units, person_file, unit_file

PHONE, NAME = "联系电话", "单位名称"


def CHANGED_WORD():
    """已更改 once the lead has merged NEW_STRINGS.py into the catalogue; the msgid until then."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext("changed")


def upload(client, data, name="units.csv", kind="units"):
    client.post(reverse("imports:add"), {"kind": kind, "file": SimpleUploadedFile(name, data)})
    return ImportJob.objects.order_by("-pk").first()


def changes_logged():
    return ModelLogEntry.objects.filter(action="supervision.import_change")


def test_a_phone_change_shows_old_to_new_in_the_preview_and_is_logged_on_confirm(staff, tree, client_for):
    rows = unit_rows(5, ["330110"], seed=21)
    import_units(rows, tree.county_a)
    old_phone = rows[2][PHONE]
    rows[2][PHONE] = "0571-88886666"
    client = client_for(staff.operator_a)
    job = upload(client, unit_file(rows))
    assert job.status == ImportStatus.READY
    page = client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert f"<del>{old_phone}</del> → <ins>0571-88886666</ins>" in page
    assert not changes_logged().exists()  # a preview logs nothing

    client.post(reverse("imports:confirm", args=[job.pk]))
    unit = ProductionUnit.objects.get(uscc=rows[2]["统一社会信用代码"])
    assert unit.phone == "0571-88886666"
    entry = changes_logged().get()
    assert entry.object_id == str(unit.pk) and entry.user == staff.operator_a
    assert entry.data == {"job": job.pk, "changes": {"phone": [old_phone, "0571-88886666"]}}

    for url in (reverse("units:inspect", args=[unit.pk]), reverse("units:history", args=[unit.pk])):
        page = client.get(url).content.decode()
        assert old_phone in page and "0571-88886666" in page, url


def test_personal_values_are_logged_as_changed_without_values(staff, tree, client_for):
    units = unit_rows(2, ["330110"], seed=22)
    import_units(units, tree.county_a)
    people = person_rows(units, seed=23)
    import_people(people, tree.county_a)
    old_phone, id_number = people[0]["手机号"], people[0]["身份证号"]
    people[0]["手机号"] = "13900001111"
    client = client_for(staff.operator_a)
    job = upload(client, person_file(people), name="people.csv", kind="personnel")
    preview = client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    assert f"手机号：{CHANGED_WORD()}" in preview
    assert "13900001111" not in preview and old_phone not in preview and id_number not in preview
    client.post(reverse("imports:confirm", args=[job.pk]))

    person = Person.objects.get(id_number_masked__endswith=id_number[-4:], unit__uscc=people[0]["统一社会信用代码"])
    assert person.phone == "13900001111"
    entry = changes_logged().get()
    assert entry.object_id == str(person.pk)
    assert entry.data["changes"] == {"phone": "changed"}
    dumped = json.dumps(list(ModelLogEntry.objects.values("label", "data")), ensure_ascii=False)
    for secret in (old_phone, "13900001111", id_number):
        assert secret not in dumped
    for url in (reverse("people:history", args=[person.pk]), reverse("units:inspect", args=[person.unit_id])):
        page = client.get(url).content.decode()
        assert CHANGED_WORD() in page, url
        for secret in (old_phone, "13900001111", id_number):
            assert secret not in page, url


def test_an_unchanged_reimport_logs_nothing(tree):
    rows = unit_rows(6, ["330110"], seed=24)
    import_units(rows, tree.county_a)
    people = person_rows(rows, seed=25)
    import_people(people, tree.county_a)
    import_units(rows, tree.county_a)
    import_people(people, tree.county_a)
    assert not changes_logged().exists()


def test_an_invalid_import_logs_nothing(tree):
    rows = unit_rows(4, ["330110"], seed=26)
    import_units(rows, tree.county_a)
    rows[0][PHONE] = "0571-12345678"
    rows[1]["行政区划代码"] = "999999"  # no such county: the whole file is refused
    result = import_units(rows, tree.county_a)
    assert not result.ok and not result.written
    assert not changes_logged().exists()


def test_another_countys_operator_cannot_see_the_history(staff, tree, client_for):
    rows = unit_rows(1, ["330110"], seed=27)
    import_units(rows, tree.county_a)
    rows[0][PHONE] = "0571-87654321"
    import_units(rows, tree.county_a, actor=staff.operator_a)
    unit = ProductionUnit.objects.get()
    client = client_for(staff.operator_b)
    assert client.get(reverse("units:inspect", args=[unit.pk])).status_code == 404
    assert client.get(reverse("units:history", args=[unit.pk])).status_code == 404


def _confirm_queries(tree, n: int, seed: int) -> int:
    rows = unit_rows(n, ["330110"], seed=seed)
    import_units(rows, tree.county_a)
    for row in rows:
        row[PHONE] = "0571-80000000"
        row[NAME] = str(row[NAME]) + "（新）"
    with CaptureQueriesContext(connection) as queries:
        result = import_units(rows, tree.county_a)
    assert result.updated == n
    return len(queries)


def test_the_confirm_does_not_grow_its_queries_per_row(tree):
    small = _confirm_queries(tree, 10, seed=28)
    ModelLogEntry.objects.all().delete()
    ProductionUnit.objects.all().delete()
    large = _confirm_queries(tree, 50, seed=29)
    assert large <= small  # the first run also loads the content type
    assert changes_logged().count() == 50
