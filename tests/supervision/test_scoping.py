"""Jurisdiction scoping (DESIGN.md §5): every console query sees the user's subtree only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from supervision.models import Jurisdiction, StaffProfile
from supervision.authorization import may
from supervision.scoping import get_in_scope_or_404, scope_queryset
from tests.factories import make_staff


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_county_user_sees_only_own_county(staff, tree):
    assert codes(scope_queryset(Jurisdiction.objects.all(), user=staff.operator_a)) == ["330110"]


def test_city_overseer_sees_city_and_every_county_below(staff):
    assert codes(scope_queryset(Jurisdiction.objects.all(), user=staff.overseer)) == ["330100", "330110", "330113"]


def test_scoping_follows_related_paths(staff):
    usernames = sorted(
        scope_queryset(StaffProfile.objects.all(), user=staff.operator_a).values_list("user__username", flat=True)
    )
    assert usernames == ["ad-a", "ap-a", "op-a"]


def test_a_sibling_prefix_is_not_a_subtree(db):
    """Tree paths are fixed-width steps, so county 0001 never matches 00010 and the like."""
    from tests.factories import make_tree

    tree = make_tree()
    user = make_staff("u", "operator", tree.county_a).user
    assert tree.county_b.path[: len(tree.county_a.path)] != tree.county_a.path
    assert not scope_queryset(Jurisdiction.objects.filter(pk=tree.county_b.pk), user=user).exists()


def test_user_without_profile_sees_nothing(tree, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert not scope_queryset(Jurisdiction.objects.all(), user=user).exists()
    assert not scope_queryset(Jurisdiction.objects.all(), user=AnonymousUser()).exists()


def test_superuser_sees_everything(tree, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert scope_queryset(Jurisdiction.objects.all(), user=root).count() == Jurisdiction.objects.count()


def test_out_of_scope_object_is_404(staff, tree):
    assert get_in_scope_or_404(Jurisdiction.objects.all(), user=staff.operator_a, pk=tree.county_a.pk)
    with pytest.raises(Http404):
        get_in_scope_or_404(Jurisdiction.objects.all(), user=staff.operator_a, pk=tree.county_b.pk)
    with pytest.raises(Http404):
        get_in_scope_or_404(Jurisdiction.objects.all(), user=staff.operator_a, pk="not-a-number")


def test_only_overseers_are_read_only(staff):
    assert may(staff.operator_a, "console.edit")
    assert may(staff.approver_a, "console.edit")
    assert may(staff.admin_a, "console.edit")
    assert not may(staff.overseer, "console.edit")
