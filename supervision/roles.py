"""Staff roles as groups with their permissions.

The role on `StaffProfile` is the source of truth; `staff_role_assign` keeps the user's group in
step. `roles_sync` (run after every migrate) makes the groups and their permissions match this
table, so adding a permission here reaches every deployment."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import StaffRole

# The group each role maps to; names are what the console shows.
ROLE_GROUP_NAMES: dict[str, str] = {
    StaffRole.OPERATOR: "经办人",
    StaffRole.APPROVER: "审核人",
    StaffRole.OVERSEER: "上级监督",
    StaffRole.ADMIN: "管理员",
}

_READ = [
    "wagtailadmin.access_admin",
    "supervision.view_jurisdiction",
    "supervision.view_staffprofile",
    "supervision.view_productionunit",
    "supervision.view_qualification",
    "supervision.view_person",
    "supervision.view_importjob",
    "supervision.view_productcategory",
    "supervision.view_rectificationorder",
    "supervision.view_penaltydecision",
    "supervision.view_bureaulegalsettings",
]
_REGISTER = [
    "supervision.add_productionunit",
    "supervision.change_productionunit",
    "supervision.add_qualification",
    "supervision.change_qualification",
    "supervision.delete_qualification",
    "supervision.change_person",
    "supervision.add_importjob",
    "supervision.add_rectificationorder",
    "supervision.change_rectificationorder",
]

# Permissions by role, as "app_label.codename". Overseers only read (DESIGN.md §1).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    StaffRole.OVERSEER: [*_READ],
    StaffRole.OPERATOR: [*_READ, *_REGISTER],
    StaffRole.APPROVER: [*_READ, *_REGISTER],
    StaffRole.ADMIN: [
        *_READ,
        *_REGISTER,
        "supervision.add_productcategory",
        "supervision.change_productcategory",
        "supervision.add_staffprofile",
        "supervision.change_staffprofile",
        "supervision.add_bureaulegalsettings",
        "supervision.change_bureaulegalsettings",
    ],
}

# Wagtail page permissions on the public site (信息公开): operators draft, approvers publish.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    StaffRole.OVERSEER: [],
    StaffRole.OPERATOR: ["add_page", "change_page"],
    StaffRole.APPROVER: ["add_page", "change_page", "publish_page"],
    StaffRole.ADMIN: ["add_page", "change_page", "publish_page", "delete_page", "lock_page", "unlock_page"],
}


def extend_role_permissions(role: str, permissions: list[str]) -> None:
    """Lets another app add its permissions to a role (called from that app's `ready()`)."""
    ROLE_PERMISSIONS[role].extend(p for p in permissions if p not in ROLE_PERMISSIONS[role])


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = list(
        Permission.objects.filter(codename__in={c for _, c in wanted}).select_related("content_type")
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    from wagtail.models import GroupPagePermission, Page

    groups = {}
    home = Page.objects.filter(depth=2).order_by("path").first()
    page_perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="wagtailcore")}
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role]))
        if home is not None:
            wanted = [page_perms[c] for c in ROLE_PAGE_PERMISSIONS[role] if c in page_perms]
            GroupPagePermission.objects.filter(group=group).exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
        groups[role] = group
    return groups


def roles_sync_after_migrate(sender, **kwargs) -> None:
    from django.apps import apps

    # post_migrate fires once per app with models, and permissions are created app by app:
    # wait for the last such app.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        roles_sync()
