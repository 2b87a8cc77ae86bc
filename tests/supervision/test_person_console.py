"""Issue 14: a post added or edited by hand in the console keeps the import's rules (Order 75 Art. 13:
one open post per person and unit, a leaving after the appointment) and says so in the form, in
Chinese where the catalogue has it, instead of failing on the database's one_current_post_per_person
constraint. Another county's unit is no choice; each add and edit is logged with its values."""

from django.urls import reverse
from wagtail.models import ModelLogEntry

from supervision.fake_register import person_rows, unit_rows
from supervision.models import Person, ProductionUnit
from supervision.personal_data import id_number_decrypt, id_number_hash, id_number_mask
from tests.factories import import_people, import_units

USCC, NAME, ID, ROLE, APPOINTED, LEFT = "统一社会信用代码", "姓名", "身份证号", "岗位", "任职日期", "离任日期"


def register(tree):
    units = unit_rows(2, ["330110"], seed=71)
    assert import_units(units, tree.county_a).ok
    people = person_rows(units, seed=72, director_share=1.0)
    assert import_people(people, tree.county_a).ok
    director = next(r for r in people if r[ROLE] == "质量安全总监")
    return units, people, director


def post_of(row, **filters):
    return Person.objects.get(id_number_hash=id_number_hash(row[ID]), **filters)


def add_form(unit, row, **changes):
    return {"unit": unit.pk, "id_number": row[ID], "name": row[NAME], "role": "director",
            "phone": row["手机号"], "appointed_on": "2026-09-01", "left_on": "", **changes}


def edit_form(person, **changes):
    return {"name": person.name, "role": person.role, "phone": person.phone,
            "appointed_on": person.appointed_on or "", "left_on": person.left_on or "", **changes}


def creates():
    return ModelLogEntry.objects.filter(action="wagtail.create", content_type__model="person")


def test_adding_a_person_already_in_post_at_the_unit_is_refused_naming_the_post_art13(tree, staff, client_for):
    _units, _people, director = register(tree)
    post = post_of(director)
    before = Person.objects.count()
    response = client_for(staff.operator_a).post(reverse("people:add"), add_form(post.unit, director))
    assert response.status_code == 200
    [message] = response.context["form"].errors["id_number"]
    assert post.name in message and str(post.get_role_display()) in message and str(post.appointed_on) in message
    assert "离任日期" in message  # how to close the open post
    assert Person.objects.count() == before and not creates().exists()


def test_adding_after_the_old_post_closed_is_allowed_and_logged_without_the_id_number(tree, staff, client_for):
    _units, people, director = register(tree)
    director[LEFT] = "2026-06-30"
    assert import_people(people, tree.county_a).left == 1
    unit = post_of(director).unit
    client = client_for(staff.operator_a)

    early = client.post(reverse("people:add"), add_form(unit, director, appointed_on="2026-06-01"))
    assert early.status_code == 200 and "appointed_on" in early.context["form"].errors  # before the leaving
    assert not creates().exists()

    response = client.post(reverse("people:add"), add_form(unit, director, appointed_on="2026-07-01"))
    assert response.status_code == 302, response.context["form"].errors
    new = post_of(director, left_on__isnull=True)
    assert new.unit == unit and new.role == "director" and str(new.appointed_on) == "2026-07-01"
    assert id_number_decrypt(new.id_number_encrypted) == director[ID] and new.id_number_masked == id_number_mask(director[ID])
    assert Person.objects.filter(id_number_hash=id_number_hash(director[ID])).count() == 2  # the old post stays
    entry = creates().get()
    assert entry.object_id == str(new.pk) and entry.user == staff.operator_a
    after = entry.data["after"]
    assert after["name"] == director[NAME] and after["id_number_masked"] == new.id_number_masked
    assert director[ID] not in str(entry.data) and "id_number_encrypted" not in after and "id_number_hash" not in after


def test_a_bad_id_number_is_a_form_error(tree, staff, client_for):
    _units, _people, director = register(tree)
    unit = post_of(director).unit
    response = client_for(staff.operator_a).post(reverse("people:add"), add_form(unit, director, id_number=director[ID][:15]))
    assert response.status_code == 200 and "18" in response.context["form"].errors["id_number"][0]
    assert not creates().exists()


def test_reopening_a_closed_post_beside_the_open_one_is_refused_through_the_edit_view(tree, staff, client_for):
    _units, people, director = register(tree)
    director[LEFT] = "2026-03-31"
    import_people(people, tree.county_a)
    director[LEFT], director[APPOINTED] = "", "2026-09-01"
    import_people(people, tree.county_a)
    old, new = Person.objects.filter(id_number_hash=id_number_hash(director[ID])).order_by("pk")
    response = client_for(staff.operator_a).post(reverse("people:edit", args=[old.pk]), edit_form(old, left_on=""))
    assert response.status_code == 200
    [message] = response.context["form"].errors["left_on"]
    assert new.name in message and str(new.appointed_on) in message and "离任日期" in message
    old.refresh_from_db()
    assert str(old.left_on) == "2026-03-31"
    assert not ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(old.pk)).exists()


def test_another_countys_unit_is_no_choice_and_its_people_are_404(tree, staff, client_for):
    _units, _people, director = register(tree)
    post = post_of(director)
    client = client_for(staff.operator_b)
    page = client.get(reverse("people:add"))
    assert page.status_code == 200
    choices = {str(pk) for pk, _label in page.context["form"].fields["unit"].choices if pk}
    assert choices.isdisjoint({str(pk) for pk in ProductionUnit.objects.filter(county=tree.county_a).values_list("pk", flat=True)})
    other = person_rows(unit_rows(1, ["330110"], seed=73), seed=74)[0]
    response = client.post(reverse("people:add"), add_form(post.unit, other))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Person.objects.filter(id_number_hash=id_number_hash(other[ID])).exists()
    assert client.get(reverse("people:edit", args=[post.pk])).status_code == 404


def test_a_leaving_date_before_the_appointment_is_a_form_error_not_a_500(tree, staff, client_for):
    _units, _people, director = register(tree)
    post = post_of(director)
    client = client_for(staff.operator_a)
    edit = client.post(reverse("people:edit", args=[post.pk]), edit_form(post, appointed_on="2026-05-01", left_on="2026-04-30"))
    assert edit.status_code == 200 and "left_on" in edit.context["form"].errors
    post.refresh_from_db()
    assert post.left_on is None
    other = person_rows(unit_rows(1, ["330110"], seed=75), seed=76)[0]
    add = client.post(reverse("people:add"), add_form(post.unit, other, appointed_on="2026-05-01", left_on="2026-04-30"))
    assert add.status_code == 200 and "left_on" in add.context["form"].errors
    assert not creates().exists()


def test_an_edit_in_the_console_is_logged_with_old_and_new_values(tree, staff, client_for):
    _units, _people, director = register(tree)
    post = post_of(director)
    response = client_for(staff.operator_a).post(reverse("people:edit", args=[post.pk]), edit_form(post, name="王改名"))
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(post.pk))
    assert entry.user == staff.operator_a
    assert entry.data["before"]["name"] == director[NAME] and entry.data["after"]["name"] == "王改名"
    assert director[ID] not in str(entry.data)


def test_overseers_cannot_add(tree, staff, client_for):
    assert client_for(staff.overseer).get(reverse("people:add")).status_code in (302, 403, 404)
