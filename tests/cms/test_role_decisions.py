"""The page-role decisions of issue 15, each held by a test (README, Security → Scoping):

- only platform admins unpublish: Wagtail's unpublish needs `publish_page`, which would also let a
  bureau publish past its approval task; a published round is a disclosure (Order 75) that a bureau
  corrects with an approved new revision, not withdraws alone;
- overseers (上级监督) have no page access in the console: they read the public site; drafts are
  seen by the bureau's staff and the approvers (the city's approvers carry every county's task);
- `roles_sync` removes every page and collection permission of a group that is not a bureau's
  (Wagtail's Editors and Moderators, or a group a platform admin made by hand)."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from cms.models import BureauPage, NoticePage
from supervision.roles import roles_sync
from tests.cms.test_results_publication import approve

pytestmark = pytest.mark.django_db


def _live_notice(staff, tree, client_for, title="余杭区已发布通知"):
    bureau = BureauPage.objects.get(jurisdiction=tree.county_a)
    page = bureau.add_child(instance=NoticePage(title=title, slug=f"live-{NoticePage.objects.count()}", date=date(2026, 12, 1),
                                                body="<p>正文</p>", live=False, owner=staff.operator_a))
    page.save_revision(user=staff.operator_a)
    page.get_workflow().start(page, staff.operator_a)
    return approve(NoticePage.objects.get(pk=page.pk), staff.approver_a)


def test_only_a_platform_admin_unpublishes(staff, tree, client_for, django_user_model):
    page = _live_notice(staff, tree, client_for)
    assert page.live
    for user in (staff.operator_a, staff.approver_a, staff.admin_a):
        client = client_for(user)
        assert not page.permissions_for_user(user).can_unpublish()
        client.post(f"/admin/pages/{page.pk}/unpublish/", {})
        client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={page.pk}", {})
        assert Page.objects.get(pk=page.pk).live, user
    root = django_user_model.objects.create_superuser("root-unpublish", password="x")
    assert client_for(root).post(f"/admin/pages/{page.pk}/unpublish/", {}).status_code == 302
    assert not Page.objects.get(pk=page.pk).live


def test_overseers_read_the_public_site_not_the_console_s_pages(staff, tree, client_for, client):
    page = _live_notice(staff, tree, client_for)
    draft = BureauPage.objects.get(jurisdiction=tree.county_a).add_child(instance=NoticePage(
        title="余杭区未审核草稿", slug="overseer-draft", date=date(2026, 12, 1), body="<p>x</p>", live=False, owner=staff.operator_a))
    draft.save_revision(user=staff.operator_a)
    overseer = client_for(staff.overseer)  # 杭州市's overseer: above 余杭区
    perms = draft.permissions_for_user(staff.overseer)
    assert not (perms.can_edit() or perms.can_publish() or perms.can_view_revisions() or perms.can_add_subpage())
    for url in (f"/admin/pages/{draft.pk}/edit/", f"/admin/pages/{draft.pk}/view_draft/", f"/admin/pages/{draft.pk}/revisions/"):
        response = overseer.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "余杭区未审核草稿" not in response.content.decode(), url
    assert not GroupPagePermission.objects.filter(group__name__startswith="上级监督").exists()
    # What is published they read like anyone.
    assert client.get(page.url).status_code == 200 and "余杭区已发布通知" in client.get(page.url).content.decode()


def test_roles_sync_removes_page_and_collection_grants_of_non_bureau_groups(staff, tree):
    root_page, root_collection = Page.get_first_root_node(), Collection.get_first_root_node()
    page_perm = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    image_perm = Permission.objects.get(codename="add_image")
    for name in ("Moderators", "Editors", "信息中心"):  # Wagtail's initial groups, and one made by hand
        group, _ = Group.objects.get_or_create(name=name)
        GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=page_perm)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root_collection, permission=image_perm)
    bureau_grants = set(GroupPagePermission.objects.filter(group__name__contains="·").values_list("group_id", "page_id", "permission_id"))
    roles_sync()
    for name in ("Moderators", "Editors", "信息中心"):
        assert not GroupPagePermission.objects.filter(group__name=name).exists(), name
        assert not GroupCollectionPermission.objects.filter(group__name=name).exists(), name
        assert Group.objects.filter(name=name).exists()  # the group itself (and its members) stays
    assert set(GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id")) == bureau_grants
