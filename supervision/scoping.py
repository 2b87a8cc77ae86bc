"""Jurisdiction scoping: the one helper every console query goes through (DESIGN.md §5).

A staff member sees their own bureau's jurisdiction and everything below it. Each scoped model
names the lookup that reaches its jurisdiction's tree path in `scope_path_lookup`
("county__path" for a unit, "path" for a jurisdiction), so scoping is one `path__startswith`
filter and never a loop. An object outside the subtree is a 404, never a 403 that confirms it
exists. What a user may do there is `authorization`'s decision."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Jurisdiction, StaffProfile

M = TypeVar("M", bound=Model)


def staff_profile_of(user) -> StaffProfile | None:
    """The user's staff profile, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_staff_profile_cache"):
        user._staff_profile_cache = (
            StaffProfile.objects.select_related("jurisdiction").filter(user=user).first()
        )
    return user._staff_profile_cache


def user_jurisdiction(user) -> Jurisdiction | None:
    profile = staff_profile_of(user)
    return profile.jurisdiction if profile else None


def scope_queryset(queryset: QuerySet[M], *, user) -> QuerySet[M]:
    """Restrict `queryset` to what `user` may see: their jurisdiction's subtree.

    A superuser sees everything; an authenticated user without a staff profile sees nothing."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return queryset
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return queryset.none()
    lookup = queryset.model.scope_path_lookup
    return queryset.filter(**{f"{lookup}__startswith": jurisdiction.path})


def get_in_scope_or_404(queryset: QuerySet[M], *, user, **lookup) -> M:
    try:
        return scope_queryset(queryset, user=user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404
