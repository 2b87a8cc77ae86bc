"""The named actor of automatic changes (the overdue sweep, results reported by the assessment
side), so every log entry has someone behind it (DESIGN.md §8)."""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_actor():
    """An inactive user who can never log in, created on first use."""
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    return user is not None and user.get_username() == SYSTEM_USERNAME
