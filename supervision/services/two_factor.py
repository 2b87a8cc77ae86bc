"""Second-factor enrolment and reset (config/two_factor.py says who must): each logged with its actor.

A platform admin has no staff profile, so their enrolment is logged on their user account; a
bureau's staff member's on their staff profile, where the staff page shows it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from ..models import StaffProfile
from ..scoping import staff_profile_of

RECOVERY_CODES = 10


def _account(user):
    """The user's own row. request.user arrives wrapped twice (django-otp wraps Django's lazy
    user again), and Wagtail's log, which unwraps one level to find the model, silently wrote
    nothing for a platform admin's enrolment."""
    return get_user_model().objects.get(pk=user.pk)


@transaction.atomic
def two_factor_enrol(*, actor, device: TOTPDevice) -> list[str]:
    """Confirm the actor's authenticator (its code was checked by the caller) and make fresh
    recovery codes, returned once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=actor).delete()
    recovery = StaticDevice.objects.create(user=actor, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    recovery.token_set.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    log(instance=staff_profile_of(actor) or _account(actor), action="supervision.two_factor_enrol", user=actor,
        data={"device": device.name, "recovery_codes": len(codes)})
    return codes


@transaction.atomic
def two_factor_reset(*, actor, target: StaffProfile) -> int:
    """Remove a colleague's authenticator and recovery codes; they enrol again at the next login."""
    devices = [TOTPDevice.objects.filter(user=target.user), StaticDevice.objects.filter(user=target.user)]
    removed = sum(d.count() for d in devices)  # devices, not their cascaded recovery tokens
    for queryset in devices:
        queryset.delete()
    log(instance=target, action="supervision.two_factor_reset", user=actor, data={"devices": removed})
    return removed
