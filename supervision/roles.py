"""Staff roles as groups with their permissions.

The role on `StaffProfile` is the source of truth; `staff_role_assign` keeps the user's group in
step. `roles_sync` (run after every migrate) makes the groups and their permissions match this
table, so adding a permission here reaches every deployment."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .authorization import role_grants
from .models import Jurisdiction, StaffRole

# The group each role maps to; names are what the console shows.
ROLE_GROUP_NAMES: dict[str, str] = {
    StaffRole.OPERATOR: "经办人",
    StaffRole.APPROVER: "审核人",
    StaffRole.OVERSEER: "上级监督",
    StaffRole.ADMIN: "管理员",
}

# The model permissions of each role's group are a projection of the authorization rules
# (`authorization.role_grants`): the rules decide, and Wagtail's own views and menus, which read
# group permissions, follow them.
def role_permissions() -> dict[str, list[str]]:
    """Permissions by role, as "app_label.codename". Overseers only read (DESIGN.md §1)."""
    return {role: role_grants(role) for role in ROLE_GROUP_NAMES}


# Wagtail page permissions on the public site (信息公开), granted to each bureau's groups on that
# bureau's page subtree only (and the subtrees of the bureaus below it). Operators and approvers
# draft; nobody but a platform admin holds `publish_page`, because Wagtail lets whoever holds it
# publish past the workflow (the editor's publish action, bulk publish, revert and publish): a
# bureau's pages go live only through its approval task, which its approvers' group carries.
# Overseers read: Wagtail has no read-only page permission, so they get none.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    StaffRole.OVERSEER: [],
    StaffRole.OPERATOR: ["add_page", "change_page"],
    StaffRole.APPROVER: ["add_page", "change_page"],
    StaffRole.ADMIN: ["add_page", "change_page", "lock_page", "unlock_page"],
}

# Wagtail collection permissions (images and documents), granted to each bureau's groups on that
# bureau's collection only (and the collections of the bureaus below it). Wagtail's policy lets
# whoever holds `add` change and delete what they uploaded themselves, and treats `delete` as
# `change`: so operators and approvers upload, choose and edit or delete their own uploads, and
# only the bureau's administrator changes or deletes a colleague's (an image or a document may be
# on a published page: deleting it breaks that page, a decision for the bureau). Overseers have no
# page access, so nothing to attach.
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    StaffRole.OVERSEER: [],
    StaffRole.OPERATOR: ["wagtailimages.add_image", "wagtailimages.choose_image", "wagtaildocs.add_document", "wagtaildocs.choose_document"],
    StaffRole.APPROVER: ["wagtailimages.add_image", "wagtailimages.choose_image", "wagtaildocs.add_document", "wagtaildocs.choose_document"],
    StaffRole.ADMIN: ["wagtailimages.add_image", "wagtailimages.choose_image", "wagtailimages.change_image",
                      "wagtaildocs.add_document", "wagtaildocs.choose_document", "wagtaildocs.change_document"],
}

# Each bureau (a jurisdiction with staff) has one group per role, named by the role and the
# division code, which carries only its page permissions and its approval task: the role groups
# above carry the model permissions and no page permission at all.
BUREAU_GROUP_SEPARATOR = "·"


def bureau_group_name(role: str, jurisdiction) -> str:
    return f"{ROLE_GROUP_NAMES[role]}{BUREAU_GROUP_SEPARATOR}{jurisdiction.code}"


def is_bureau_group_name(name: str) -> bool:
    return any(name.startswith(f"{role_name}{BUREAU_GROUP_SEPARATOR}") for role_name in ROLE_GROUP_NAMES.values())


# The public site's app (cms) registers here what makes the bureaus' page subtrees, grants their
# groups' page permissions and assigns their workflows: supervision never imports cms.
_page_syncs: list = []


def register_page_sync(func) -> None:
    """`func(bureaus)` with `bureaus` = {jurisdiction: {role: group}}, for every bureau."""
    if func not in _page_syncs:
        _page_syncs.append(func)


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = list(
        Permission.objects.filter(codename__in={c for _, c in wanted}).select_related("content_type")
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """The role groups with their model permissions, each bureau's groups, and (through the
    registered page syncs) the bureaus' page subtrees, page permissions and workflows."""
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    groups = {}
    permissions = role_permissions()
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set(_permissions(permissions[role]))
        groups[role] = group
    # Page permissions hang on the bureaus' subtrees only, through the bureaus' groups: they once
    # hung on the home page for every role (one county edited and published another's pages), and
    # Wagtail's initial Editors and Moderators groups hold them on the tree's root (Moderators with
    # publish_page, past every workflow). Platform admins are superusers and need none.
    stray = [g.pk for g in Group.objects.filter(page_permissions__isnull=False).distinct() if not is_bureau_group_name(g.name)]
    GroupPagePermission.objects.filter(group_id__in=stray).delete()
    # The same for images and documents: Editors and Moderators hold theirs on the root collection,
    # which would show them every bureau's.
    stray = [g.pk for g in Group.objects.filter(collection_permissions__isnull=False).distinct() if not is_bureau_group_name(g.name)]
    GroupCollectionPermission.objects.filter(group_id__in=stray).delete()
    bureaus_sync()
    return groups


def bureau_groups(jurisdiction) -> dict[str, Group]:
    """The bureau's group per role (created if missing)."""
    return {role: Group.objects.get_or_create(name=bureau_group_name(role, jurisdiction))[0] for role in ROLE_GROUP_NAMES}


def bureaus_sync() -> None:
    """Every bureau's groups, then its page subtree, page permissions and workflow."""
    bureaus = {j: bureau_groups(j) for j in Jurisdiction.objects.filter(staff__isnull=False).distinct()}
    for sync in _page_syncs:
        sync(bureaus)


def roles_sync_after_migrate(sender, **kwargs) -> None:
    from django.apps import apps

    # post_migrate fires once per app with models, and permissions are created app by app:
    # wait for the last such app.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        roles_sync()
