import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import ModelLogEntry

from supervision.models import StaffProfile
from supervision.roles import ROLE_GROUP_NAMES, role_permissions
from supervision.services.staff import staff_create, staff_update
from tests.factories import make_staff


@pytest.mark.django_db
def test_every_role_permission_exists():
    from django.contrib.auth.models import Permission

    for role, names in role_permissions().items():
        for name in names:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), name


def test_role_puts_user_in_exactly_its_group_and_its_bureau_group(tree):
    def names(profile):
        return sorted(profile.user.groups.values_list("name", flat=True))

    profile = make_staff("x", "operator", tree.county_a)
    assert names(profile) == [ROLE_GROUP_NAMES["operator"], f"{ROLE_GROUP_NAMES['operator']}·330110"]
    staff_update(actor=None, profile=profile, role="approver", jurisdiction=tree.county_a,
                 enforcement_cert_no="", can_examine=True)
    assert names(profile) == [ROLE_GROUP_NAMES["approver"], f"{ROLE_GROUP_NAMES['approver']}·330110"]
    staff_update(actor=None, profile=profile, role="approver", jurisdiction=tree.county_b,
                 enforcement_cert_no="", can_examine=True)  # a move to another bureau
    assert names(profile) == [ROLE_GROUP_NAMES["approver"], f"{ROLE_GROUP_NAMES['approver']}·330113"]


def test_overseer_group_has_only_view_permissions(tree):
    user = make_staff("ov", "overseer", tree.city).user
    perms = user.get_all_permissions()
    assert perms
    assert all(p.split(".")[1].startswith(("view_", "access_")) for p in perms), perms


def test_admin_manages_staff_in_own_county_only(staff, tree):
    created = staff_create(actor=staff.admin_a, username="new-a", password="x-Strong-pass-1", full_name="孙芳",
                           jurisdiction=tree.county_a, role="operator")
    assert created.user.get_full_name() == "孙芳"
    with pytest.raises(PermissionDenied):
        staff_create(actor=staff.admin_a, username="new-b", password="x-Strong-pass-1", full_name="孙芳",
                     jurisdiction=tree.county_b, role="operator")
    with pytest.raises(PermissionDenied):
        staff_create(actor=staff.operator_a, username="new-c", password="x-Strong-pass-1", full_name="孙芳",
                     jurisdiction=tree.county_a, role="operator")
    assert not StaffProfile.objects.filter(user__username__in=["new-b", "new-c"]).exists()


def test_staff_changes_are_logged_with_actor_and_values(staff, tree):
    profile = StaffProfile.objects.get(user=staff.operator_a)
    staff_update(actor=staff.admin_a, profile=profile, role="approver", jurisdiction=tree.county_a,
                 enforcement_cert_no="ZJ-001", can_examine=True)
    entry = ModelLogEntry.objects.filter(object_id=str(profile.pk), action="wagtail.edit").get()
    assert entry.user == staff.admin_a
    assert entry.data["before"]["role"] == "operator"
    assert entry.data["after"]["role"] == "approver"


def test_admin_creates_staff_through_the_console(staff, tree, client_for):
    client = client_for(staff.admin_a)
    form = client.get(reverse("staff:add"))
    assert form.status_code == 200
    # The bureau choices are the admin's own subtree only.
    assert "临平区" not in form.content.decode()
    response = client.post(reverse("staff:add"), {
        "username": "console-new", "full_name": "钱进", "password": "Another-strong-9",
        "jurisdiction": tree.county_a.pk, "role": "approver", "enforcement_cert_no": "ZJ-9",
    })
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username="console-new")
    assert profile.role == "approver" and profile.user.check_password("Another-strong-9")


def test_console_refuses_bad_staff_input_in_chinese(staff, tree, client_for):
    client = client_for(staff.admin_a)
    response = client.post(reverse("staff:add"), {
        "username": "op-a", "full_name": "重名", "password": "123",
        "jurisdiction": tree.county_b.pk, "role": "operator",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "已被使用" in page
    assert "选择一个有效的选项" in page  # county B is not a choice for county A's admin
    assert StaffProfile.objects.filter(user__username="op-a").count() == 1


def test_operator_cannot_reach_staff_forms(staff, client_for):
    client = client_for(staff.operator_a)
    response = client.get(reverse("staff:add"))
    assert response.status_code in (302, 403)
