"""Staff accounts: creating them, changing their role or bureau. Every change is logged."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import Jurisdiction, StaffProfile
from ..roles import ROLE_GROUP_NAMES, bureau_group_name, bureaus_sync, is_bureau_group_name, roles_sync
from ..authorization import authorize

User = get_user_model()


def staff_role_assign(*, user, role: str) -> None:
    """Put the user in exactly the group of their role and the group of their role in their
    bureau (which carries the page permissions on the bureau's pages and its approval task)."""
    if not Group.objects.filter(name=ROLE_GROUP_NAMES[role]).exists():
        roles_sync()
    profile = StaffProfile.objects.select_related("jurisdiction").get(user=user)
    bureau_name = bureau_group_name(role, profile.jurisdiction)
    if not Group.objects.filter(name=bureau_name).exists():
        bureaus_sync()  # a new bureau: its groups, pages, permissions and workflow
    old = [g for g in user.groups.all() if g.name in ROLE_GROUP_NAMES.values() or is_bureau_group_name(g.name)]
    user.groups.remove(*old)
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]), Group.objects.get(name=bureau_name))


def _cert_check(cert_no: str, valid_until: date | None) -> None:
    # A validity date belongs to a certificate: without its number it would let nobody be drawn.
    if valid_until is not None and not (cert_no or "").strip():
        raise ValidationError({"enforcement_cert_valid_until": _("A certificate validity date needs the enforcement certificate number.")})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str,
    jurisdiction: Jurisdiction,
    role: str,
    enforcement_cert_no: str = "",
    can_examine: bool = False,
    enforcement_cert_valid_until: date | None = None,
) -> StaffProfile:
    authorize(actor, "staff.manage", jurisdiction)
    _cert_check(enforcement_cert_no, enforcement_cert_valid_until)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The username “%(name)s” is already taken.") % {"name": username}})
    # Chinese names are one string, family name first; Django joins first + last with a space.
    user = User(username=username, first_name=full_name, last_name="", is_staff=False)
    user.set_password(password)
    user.save()
    profile = StaffProfile.objects.create(
        user=user, jurisdiction=jurisdiction, role=role,
        enforcement_cert_no=enforcement_cert_no, can_examine=can_examine,
        enforcement_cert_valid_until=enforcement_cert_valid_until,
    )
    staff_role_assign(user=user, role=role)
    log(instance=profile, action="wagtail.create", user=actor,
        data={"role": role, "jurisdiction": jurisdiction.code})
    return profile


@transaction.atomic
def staff_update(
    *,
    actor,
    profile: StaffProfile,
    role: str,
    jurisdiction: Jurisdiction,
    enforcement_cert_no: str,
    can_examine: bool,
    enforcement_cert_valid_until: date | None = None,
) -> StaffProfile:
    authorize(actor, "staff.manage", profile.jurisdiction)
    authorize(actor, "staff.manage", jurisdiction)
    _cert_check(enforcement_cert_no, enforcement_cert_valid_until)
    before = {
        "role": profile.role, "jurisdiction": profile.jurisdiction.code,
        "enforcement_cert_no": profile.enforcement_cert_no, "can_examine": profile.can_examine,
        "enforcement_cert_valid_until": _iso(profile.enforcement_cert_valid_until),
    }
    profile.role = role
    profile.jurisdiction = jurisdiction
    profile.enforcement_cert_no = enforcement_cert_no
    profile.can_examine = can_examine
    profile.enforcement_cert_valid_until = enforcement_cert_valid_until
    profile.save()
    staff_role_assign(user=profile.user, role=role)
    after = {
        "role": role, "jurisdiction": jurisdiction.code,
        "enforcement_cert_no": enforcement_cert_no, "can_examine": can_examine,
        "enforcement_cert_valid_until": _iso(enforcement_cert_valid_until),
    }
    log(instance=profile, action="wagtail.edit", user=actor, data={"before": before, "after": after})
    return profile
