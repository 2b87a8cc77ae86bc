"""Issue 14, appointments with history (Order 75 Art. 13: the 设立、调整 of the principal, director and
officers is recorded): a 离任日期 column closes a post, a complete-staff file closes the posts of
people it leaves out (listed in the preview first), a person who comes back gets a new post, and
the unit page shows its posts over time. A leaver is in no draw."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from assessment import selectors
from assessment.models import SamplingPlan, SamplingUnit
from assessment.services import sampling
from supervision.fake_register import person_rows, unit_rows
from supervision.models import ImportJob, ImportStatus, Person
from supervision.personal_data import id_number_hash
from tests.factories import import_people, import_units, person_file

USCC, NAME, ID, ROLE, APPOINTED, LEFT = "统一社会信用代码", "姓名", "身份证号", "岗位", "任职日期", "离任日期"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def register(tree, n_units=3, seed=61):
    units = unit_rows(n_units, ["330110"], seed=seed)
    for i, row in enumerate(units):
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2023{seed:04d}{i:08d}"
    assert import_units(units, tree.county_a).ok
    people = person_rows(units, seed=seed + 1, director_share=1.0)
    assert import_people(people, tree.county_a).ok
    return units, people


def post_of(row, **filters):
    return Person.objects.get(id_number_hash=id_number_hash(row[ID]), **filters)


def upload(client, rows, complete_staff=False):
    client.post(reverse("imports:add"), {
        "kind": "personnel", "file": SimpleUploadedFile("people.csv", person_file(rows)),
        **({"complete_staff": "on"} if complete_staff else {}),
    })
    return ImportJob.objects.order_by("-pk").first()


def left_entries():
    return ModelLogEntry.objects.filter(action="supervision.person_left")


def test_a_leaving_date_closes_the_post_and_is_logged_art13(tree, staff):
    _units, people = register(tree)
    director = next(r for r in people if r[ROLE] == "质量安全总监")
    director[LEFT] = "2026-06-30"
    preview = import_people(people, tree.county_a, dry_run=True)
    assert (preview.left, preview.updated, preview.created) == (1, 0, 0)
    assert post_of(director).left_on is None  # the preview wrote nothing
    assert [c.label for c in preview.leaving] == [f"{director[NAME]}（{director[USCC]}）"]

    result = import_people(people, tree.county_a, actor=staff.operator_a)
    assert result.written and result.left == 1
    post = post_of(director)
    assert post.left_on == date(2026, 6, 30) and not post.in_post
    entry = left_entries().get()
    assert entry.object_id == str(post.pk) and entry.user == staff.operator_a
    assert entry.data["left_on"] == "2026-06-30" and entry.data["role"] == "director"
    assert not ModelLogEntry.objects.filter(action="supervision.import_change").exists()  # the leaving is one entry
    assert import_people(people, tree.county_a).unchanged == len(people)  # the same file again changes nothing


def test_a_bad_leaving_date_is_refused_with_row_column_and_reason_and_nothing_is_written(tree):
    """Art. 13 records leavings that have happened: not in the future, not before the appointment."""
    _units, people = register(tree)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    people[0][LEFT] = tomorrow
    people[1][LEFT] = (date.fromisoformat(people[1][APPOINTED]) - timedelta(days=1)).isoformat()
    people[2][LEFT] = "上个月"
    people[3][LEFT] = "2026-06-31"
    result = import_people(people, tree.county_a)
    assert not result.written
    errors = {e.row: e for e in result.errors}
    assert set(errors) == {2, 3, 4, 5} and {e.column for e in result.errors} == {LEFT}
    assert errors[2].value == tomorrow
    assert errors[2].message == zh("The leaving date lies in the future; record a leaving once it has happened.")
    assert people[1][APPOINTED] in errors[3].message
    assert errors[4].message == zh("Not a date; write it as 2024-03-01.")
    assert not Person.objects.filter(left_on__isnull=False).exists()
    assert not left_entries().exists()


def test_a_leaving_date_before_the_recorded_appointment_is_refused_when_the_file_leaves_it_blank(tree):
    _units, people = register(tree)
    people[0][LEFT] = (date.fromisoformat(people[0][APPOINTED]) - timedelta(days=3)).isoformat()
    people[0][APPOINTED] = ""
    result = import_people(people, tree.county_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, LEFT)]
    assert post_of(people[0]).left_on is None


def test_complete_staff_preview_lists_leavers_and_writes_nothing_until_confirm_art13(tree, staff, client_for):
    units, people = register(tree)
    first_unit = units[0][USCC]
    kept = [r for r in people if r[USCC] == first_unit and r[ROLE] != "质量安全员"]
    gone = [r for r in people if r[USCC] == first_unit and r[ROLE] == "质量安全员"]
    assert gone, "the register has an officer to drop"
    client = client_for(staff.operator_a)
    job = upload(client, kept, complete_staff=True)
    assert job.status == ImportStatus.READY and job.complete_staff
    assert job.result["left"] == len(gone)
    page = client.get(reverse("imports:inspect", args=[job.pk])).content.decode()
    leaving = page[page.index('class="listing zl-leaving"'):]
    leaving = leaving[:leaving.index("</table>")]
    for row in gone:
        assert row[NAME] in leaving
        assert row[ID] not in page  # never a whole ID number
    assert all(post_of(r).left_on is None for r in gone)
    assert not left_entries().exists()

    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    today = timezone.localdate()
    for row in gone:
        post = post_of(row)
        assert post.left_on == today
        entry = left_entries().get(object_id=str(post.pk))
        assert entry.user == staff.operator_a and entry.data["job"] == job.pk and entry.data["complete_staff"] is True
    assert all(post_of(r).left_on is None for r in kept)


def test_complete_staff_leaves_units_not_in_the_file_untouched(tree):
    units, people = register(tree)
    in_file = [r for r in people if r[USCC] == units[0][USCC]][:1]
    result = import_people(in_file, tree.county_a, complete_staff=True)
    assert result.written
    others = Person.objects.exclude(unit__uscc=units[0][USCC])
    assert others.count() == len([r for r in people if r[USCC] != units[0][USCC]])
    assert not others.filter(left_on__isnull=False).exists()
    assert Person.objects.filter(unit__uscc=units[0][USCC], left_on__isnull=False).count() == result.left > 0


def test_complete_staff_file_with_another_countys_unit_is_refused_and_nobody_leaves(tree):
    units, people = register(tree)
    theirs = unit_rows(1, ["330113"], seed=77)
    assert import_units(theirs, tree.county_b).ok
    stranger = person_rows(theirs, seed=78)[0]
    in_file = [r for r in people if r[USCC] == units[0][USCC]][:1] + [stranger]
    result = import_people(in_file, tree.county_a, complete_staff=True)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, USCC)]
    assert not Person.objects.filter(left_on__isnull=False).exists()
    assert not left_entries().exists()


def test_a_leaver_is_not_sampled(tree, staff):
    """A person who has left is in no frame: Art. 13's record and Art. 15's exam meet here."""
    units, people = register(tree)
    director = next(r for r in people if r[ROLE] == "质量安全总监")
    director[LEFT] = "2026-01-31"
    assert import_people(people, tree.county_a).written
    leaver = post_of(director)
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="考核计划", roles=["director", "officer"],
                                       created_by=staff.operator_a, sampling_unit=SamplingUnit.PERSON, sample_size=1000)
    in_frame = {e.person_id for e in selectors.plan_population(plan=plan)}
    in_post = set(Person.objects.filter(left_on__isnull=True, role__in=["director", "officer"]).values_list("pk", flat=True))
    assert in_frame == in_post and leaver.pk not in in_frame
    sampling.plan_submit(actor=staff.operator_a, plan=plan)
    sampling.plan_approve(actor=staff.approver_a, plan=plan)
    sampling.frame_freeze(actor=staff.operator_a, plan=plan)
    draw = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed="98765432109876543210123")
    drawn = set(draw.selections.values_list("person_id", flat=True))
    assert drawn == in_post and leaver.pk not in drawn


def test_a_reappointed_person_gets_a_new_post_beside_the_old_one_art13(tree, staff, client_for):
    units, people = register(tree)
    officer = next(r for r in people if r[ROLE] == "质量安全员")
    officer[LEFT] = "2026-03-31"
    assert import_people(people, tree.county_a).written
    officer[LEFT] = ""
    officer[APPOINTED] = "2026-03-01"  # before they left: refused, the old post stands
    refused = import_people(people, tree.county_a)
    assert [(e.column, e.value) for e in refused.errors] == [(APPOINTED, "2026-03-01")]
    officer[APPOINTED] = "2026-09-01"
    back = import_people(people, tree.county_a)
    assert back.written and back.created == 1
    posts = Person.objects.filter(id_number_hash=id_number_hash(officer[ID])).order_by("pk")
    assert [(p.appointed_on is not None, p.left_on) for p in posts] == [(True, date(2026, 3, 31)), (True, None)]
    assert posts[1].appointed_on == date(2026, 9, 1)

    page = client_for(staff.operator_a).get(reverse("units:inspect", args=[posts[0].unit_id])).content.decode()
    record = page[page.index('class="listing zl-post-record"'):]
    record = record[:record.index("</table>")]
    assert record.count(officer[NAME]) == 2
    assert record.index("2026-09-01") < record.index("2026-03-31")  # current first
    assert officer[ID] not in page and posts[0].id_number_masked in record


def test_the_unit_page_shows_the_post_record_current_first_newest_first_and_the_leaving_in_history(tree, staff, client_for):
    units, people = register(tree, n_units=1)
    mine = [r for r in people if r[USCC] == units[0][USCC]]
    director = next(r for r in mine if r[ROLE] == "质量安全总监")
    director[LEFT] = "2026-05-01"
    assert import_people(mine, tree.county_a, actor=staff.operator_a).written
    client = client_for(staff.operator_a)
    unit_id = post_of(director).unit_id
    page = client.get(reverse("units:inspect", args=[unit_id])).content.decode()
    record = page[page.index('class="listing zl-post-record"'):]
    record = record[:record.index("</table>")]
    current = [r for r in mine if r is not director]
    assert all(record.index(r[NAME]) < record.index(director[NAME]) for r in current)
    assert "2026-05-01" in record
    staff_table = page[page.index(zh("Quality staff in post")):page.index('class="listing zl-post-record"')]
    assert director[NAME] not in staff_table  # a leaver is not shown as in post
    history = page[page.index('id="post-record"'):]
    assert zh("in post %(start)s to %(end)s") % {"start": director[APPOINTED], "end": "2026-05-01"} in history
    # another county never sees it
    assert client_for(staff.operator_b).get(reverse("units:inspect", args=[unit_id])).status_code == 404


def test_a_new_post_without_an_appointment_date_starts_on_the_import_date(tree):
    _units, people = register(tree)
    extra = dict(person_rows(unit_rows(1, ["330110"], seed=61), seed=99)[0])
    extra[APPOINTED] = ""
    assert import_people([extra], tree.county_a).written
    assert post_of(extra).appointed_on == timezone.localdate()


def test_the_edit_form_keeps_the_same_rules_art13(tree):
    from supervision.forms import PersonForm

    _units, people = register(tree)
    officer = next(r for r in people if r[ROLE] == "质量安全员")
    officer[LEFT] = "2026-03-31"
    import_people(people, tree.county_a)
    officer[LEFT], officer[APPOINTED] = "", "2026-09-01"
    import_people(people, tree.county_a)
    old, new = Person.objects.filter(id_number_hash=id_number_hash(officer[ID])).order_by("pk")
    data = {"name": old.name, "role": old.role, "phone": old.phone, "appointed_on": old.appointed_on, "left_on": ""}
    reopen = PersonForm(instance=old, data=data)
    assert not reopen.is_valid() and "left_on" in reopen.errors
    future = PersonForm(instance=new, data={**data, "appointed_on": new.appointed_on,
                                            "left_on": timezone.localdate() + timedelta(days=1)})
    assert not future.is_valid() and "left_on" in future.errors
    assert Person.objects.filter(id_number_hash=id_number_hash(officer[ID]), left_on__isnull=True).get() == new


def test_a_change_of_post_closes_the_old_post_and_opens_a_new_one_art13(tree, staff, client_for):
    """Art. 13 调整: an officer made director keeps the officer post on record, closed the day the
    director post starts; the preview says so, the leaving of the old post is logged."""
    _units, people = register(tree)
    officer = next(r for r in people if r[ROLE] == "质量安全员")
    unit_director = next(r for r in people if r[USCC] == officer[USCC] and r[ROLE] == "质量安全总监")
    unit_director[LEFT] = "2026-08-31"
    officer[ROLE], officer[APPOINTED] = "质量安全总监", "2026-09-01"
    preview = import_people(people, tree.county_a, dry_run=True)
    change = next(c for c in preview.changes if c.row == people.index(officer) + 2)
    assert ["岗位", "质量安全员", "质量安全总监", False] in change.diffs
    assert Person.objects.filter(id_number_hash=id_number_hash(officer[ID])).count() == 1

    assert import_people(people, tree.county_a, actor=staff.operator_a).written
    old, new = Person.objects.filter(id_number_hash=id_number_hash(officer[ID])).order_by("pk")
    assert (old.role, old.left_on) == ("officer", date(2026, 9, 1))
    assert (new.role, new.appointed_on, new.left_on) == ("director", date(2026, 9, 1), None)
    entry = left_entries().get(object_id=str(old.pk))
    assert entry.data["role"] == "officer" and entry.user == staff.operator_a
    assert import_people(people, tree.county_a).unchanged == len(people)


def test_the_migration_dates_current_posts_from_the_earliest_record_art13(tree, staff):
    """Before issue 14 a post could have no appointment date and the register kept no created date:
    the migration gives each current post the date of its first log entry, else of its county's
    first personnel import. Rows are set to that old shape directly: it is the data being migrated."""
    import importlib
    from datetime import datetime

    from django.apps import apps
    from wagtail.log_actions import log

    migration = importlib.import_module("supervision.migrations.0013_appointment_history")
    _units, people = register(tree)
    first_import = ModelLogEntry.objects.filter(action="supervision.import_personnel").earliest("timestamp")
    first_import.timestamp = timezone.make_aware(datetime(2024, 2, 1, 9, 0))
    first_import.save(update_fields=["timestamp"])
    edited, plain_post, left_post = post_of(people[0]), post_of(people[1]), post_of(people[2])
    entry = log(instance=edited, action="wagtail.edit", user=staff.operator_a)
    entry.timestamp = timezone.make_aware(datetime(2025, 3, 4, 10, 0))
    entry.save(update_fields=["timestamp"])
    Person.objects.update(appointed_on=None)
    Person.objects.filter(pk=left_post.pk).update(left_on=date(2025, 1, 1))

    migration.date_current_posts(apps, None)
    assert Person.objects.get(pk=edited.pk).appointed_on == date(2025, 3, 4)
    assert Person.objects.get(pk=plain_post.pk).appointed_on == date(2024, 2, 1)
    assert Person.objects.get(pk=left_post.pk).appointed_on is None  # a closed post is left as it was
    assert not Person.objects.filter(left_on__isnull=True, appointed_on__isnull=True).exists()


def test_a_namesake_with_another_id_number_is_pointed_out_before_confirming(tree, staff, client_for):
    """A corrected ID number imports as a second person (the ID is the key); the preview says so
    and shows the way (complete-staff mode closes the old record), and nothing is written."""
    from supervision.fake_register import person_rows, unit_rows
    from supervision.models import Person
    from tests.factories import import_people, import_units, person_file

    units = unit_rows(1, ["330110"], seed=41)
    people = person_rows(units, seed=42)
    assert import_units(units, tree.county_a).ok and import_people(people, tree.county_a).ok
    corrected = [dict(p) for p in people]
    original = corrected[0]["身份证号"]
    corrected[0]["身份证号"] = next(p["身份证号"] for p in person_rows(units, seed=43) if p["身份证号"] != original)
    result = import_people(corrected, tree.county_a, dry_run=True)
    assert result.ok and result.created == 1
    assert len(result.notes) == 1 and corrected[0]["姓名"] in result.notes[0] and str(2) in result.notes[0]
    assert Person.objects.filter(name=corrected[0]["姓名"]).count() == 1
    # The note reaches the console's preview.
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(staff.operator_a)
    response = client.post("/admin/imports/new/", {"kind": "personnel", "file": SimpleUploadedFile("p.csv", person_file(corrected))}, follow=True)
    page = response.content.decode()
    assert "zl-import-notes" in page and corrected[0]["姓名"] in page
    assert Person.objects.filter(name=corrected[0]["姓名"]).count() == 1
