"""Another bureau's pages are out of reach of every Wagtail page action, and nothing skips a
bureau's approval task (issue 15): each bureau has its own page subtree (`BureauPage`) where its
groups hold their page permissions and its workflow applies."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, WorkflowState

from cms.models import BureauPage, HomePage, NoticePage, ResultsPage
from cms.services import results_publish
from supervision.roles import ROLE_GROUP_NAMES, roles_sync
from tests.cms.test_results_publication import approve, closed_plan  # noqa: F401 (fixture)
from tests.factories import ROLES, make_staff


@pytest.fixture
def approver_b(tree):
    return make_staff("ap-b", ROLES.APPROVER, tree.county_b).user


def _draft_of_county_a(staff, plan):
    page = results_publish(actor=staff.operator_a, plan=plan)
    return ResultsPage.objects.get(pk=page.pk)


def _notice(bureau, owner, *, title="余杭区通知草稿"):
    page = bureau.add_child(instance=NoticePage(title=title, slug=f"notice-{NoticePage.objects.count() + 1}", date=date(2026, 12, 1),
                                                body="<p>草稿</p>", live=False, owner=owner))
    page.save_revision(user=owner)
    return NoticePage.objects.get(pk=page.pk)


def _edit_data(page, **extra):
    data = {"title": page.title, "slug": page.slug, "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "1000"}
    if isinstance(page, ResultsPage):
        data["correction_reason"] = page.correction_reason
    if isinstance(page, NoticePage):
        data.update({"date": page.date.isoformat(), "body": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"正文","inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'})
    data.update(extra)
    return data


def _state(page):
    page = Page.objects.get(pk=page.pk).specific
    return {
        "title": page.title, "draft_title": page.draft_title, "live": page.live, "path": page.path, "url_path": page.url_path,
        "has_unpublished_changes": page.has_unpublished_changes, "revisions": page.revisions.count(),
        "latest_revision": page.latest_revision_id, "locked": page.locked,
        "reason": getattr(page, "correction_reason", None), "workflow_in_progress": page.workflow_in_progress,
    }


def test_a_bureau_s_pages_live_in_its_own_subtree_with_sane_urls(staff, tree, closed_plan, client):
    page = approve(_draft_of_county_a(staff, closed_plan), staff.approver_a)
    bureau = BureauPage.objects.get(jurisdiction=tree.county_a)
    assert page.get_parent().pk == bureau.pk and bureau.get_parent().specific_class is HomePage
    assert bureau.url == "/330110/" and page.url == f"/330110/{page.slug}/"
    assert page.title in client.get("/results/").content.decode()  # every bureau's rounds in one list
    assert page.title in client.get(bureau.url).content.decode()
    assert client.get(page.url).status_code == 200
    # Every bureau with staff has one, the city's too (its groups reach the counties below).
    assert set(BureauPage.objects.values_list("jurisdiction__code", flat=True)) == {"330110", "330113", "330100"}


def test_page_permissions_hang_on_each_bureau_s_subtree_only(staff, tree):
    roles_sync()  # idempotent: the same grants after another sync
    home = HomePage.objects.get()
    assert not GroupPagePermission.objects.filter(page=home).exists()
    assert not GroupPagePermission.objects.filter(group__name__in=ROLE_GROUP_NAMES.values()).exists()
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)

    def grants(group_name):
        return {(g.page_id, g.permission.codename) for g in GroupPagePermission.objects.filter(group__name=group_name)}

    assert grants("经办人·330110") == {(bureau_a.pk, "add_page"), (bureau_a.pk, "change_page")}
    assert grants("审核人·330113") == {(bureau_b.pk, "add_page"), (bureau_b.pk, "change_page")}
    assert grants("上级监督·330100") == set()  # overseers read
    assert {page for page, _ in grants("经办人·330100")} == {bureau_a.pk, bureau_b.pk, BureauPage.objects.get(jurisdiction=tree.city).pk}
    assert not GroupPagePermission.objects.filter(permission__codename="publish_page").exists()  # Wagtail's Moderators' too
    # Each bureau's own approval workflow on its subtree, carried by its approvers (and the city's).
    workflow = bureau_a.get_workflow()
    task = workflow.workflow_tasks.get().task.specific
    assert set(task.groups.values_list("name", flat=True)) == {"审核人·330110", "审核人·330100"}
    assert bureau_b.get_workflow() != workflow
    assert staff.operator_a.groups.filter(name="经办人·330110").exists()


def test_neighbouring_county_gets_no_page_permission(staff, tree, closed_plan, approver_b):
    page = _draft_of_county_a(staff, closed_plan)
    notice = _notice(BureauPage.objects.get(jurisdiction=tree.county_a), staff.operator_a)
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)
    for target in (page, notice, BureauPage.objects.get(jurisdiction=tree.county_a)):
        for user in (staff.operator_b, approver_b):
            perms = target.permissions_for_user(user)
            assert not (perms.can_edit() or perms.can_publish() or perms.can_unpublish() or perms.can_delete()
                        or perms.can_copy() or perms.can_move() or perms.can_view_revisions() or perms.can_lock()
                        or perms.can_add_subpage() or perms.can_copy_to(bureau_b) or perms.can_move_to(bureau_b)), (target, user)
    for user in (staff.operator_a, staff.approver_a):
        assert page.permissions_for_user(user).can_edit() and not page.permissions_for_user(user).can_publish()
    assert not page.permissions_for_user(staff.overseer).can_edit()  # overseers read


def test_neighbouring_county_cannot_save_publish_unpublish_delete_or_read_the_draft(staff, closed_plan, approver_b, client_for):
    page = _draft_of_county_a(staff, closed_plan)
    approve(page, staff.approver_a)
    page = results_publish(actor=staff.operator_a, plan=closed_plan, reason="更正")  # a correction awaiting approval
    revisions = page.revisions.count()
    for user in (staff.operator_b, approver_b):
        client = client_for(user)
        for method, url, data in (
            ("post", f"/admin/pages/{page.pk}/edit/", {"title": "改", "slug": page.slug, "action-publish": "1"}),
            ("post", f"/admin/pages/{page.pk}/edit/", {"title": "改", "slug": page.slug}),
            ("post", f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}", {}),
            ("post", f"/admin/pages/{page.pk}/unpublish/", {}),
            ("post", f"/admin/pages/{page.pk}/delete/", {}),
            ("get", f"/admin/pages/{page.pk}/view_draft/", None),
            ("get", f"/admin/pages/{page.pk}/revisions/", None),
        ):
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            if "bulk" not in url:  # the bulk view answers 200, listing the page as not allowed
                assert response.status_code != 200, (user, url, response.status_code)
    page = ResultsPage.objects.get(pk=page.pk)
    assert page.live and page.title == f"{closed_plan.title}结果公示" and page.correction_reason == ""
    assert page.revisions.count() == revisions and page.workflow_in_progress


def _every_page_action(page, *, revision, other_bureau, own_bureau):
    """(method, url, data) for every Wagtail admin URL that acts on or shows one page."""
    pk = page.pk
    return [
        ("get", f"/admin/pages/{pk}/edit/", None),
        ("post", f"/admin/pages/{pk}/edit/", _edit_data(page, title="改标题")),
        ("post", f"/admin/pages/{pk}/edit/", _edit_data(page, title="改标题", **{"action-publish": "1"})),
        ("post", f"/admin/pages/{pk}/edit/", _edit_data(page, title="改标题", **{"action-submit": "1"})),
        ("post", f"/admin/pages/{pk}/edit/preview/", _edit_data(page, title="预览")),
        ("get", f"/admin/pages/{pk}/edit/preview/", None),
        ("get", f"/admin/pages/{pk}/view_draft/", None),
        ("get", f"/admin/pages/{pk}/", None),
        ("get", f"/admin/pages/{pk}/usage/", None),
        ("get", f"/admin/pages/{pk}/history/", None),
        ("get", f"/admin/pages/{pk}/history/results/", None),
        ("get", f"/admin/pages/{pk}/workflow_history/", None),
        ("get", f"/admin/pages/{pk}/revisions/", None),
        ("get", f"/admin/pages/{pk}/revisions/{revision}/view/", None),
        ("get", f"/admin/pages/{pk}/revisions/{revision}/revert/", None),
        ("post", f"/admin/pages/{pk}/revisions/{revision}/revert/", _edit_data(page, title="回退", **{"action-publish": "1"})),
        ("get", f"/admin/pages/{pk}/revisions/compare/earliest...latest/", None),
        ("post", f"/admin/pages/{pk}/revisions/{revision}/unschedule/", {}),
        ("post", f"/admin/pages/{pk}/unpublish/", {}),
        ("post", f"/admin/pages/{pk}/delete/", {}),
        ("get", f"/admin/pages/{pk}/copy/", None),
        ("post", f"/admin/pages/{pk}/copy/", {"new_title": "副本", "new_slug": "copy-x", "new_parent_page": str(other_bureau.pk),
                                             "copy_subpages": "", "publish_copies": "on", "alias": ""}),
        ("get", f"/admin/pages/{pk}/move/", None),
        ("post", f"/admin/pages/{pk}/move/", {"new_parent_page": str(other_bureau.pk)}),
        ("post", f"/admin/pages/{pk}/move/{other_bureau.pk}/confirm/", {}),
        ("post", f"/admin/pages/{pk}/set_position/?position=0", {}),
        ("post", f"/admin/pages/{pk}/lock/", {}),
        ("post", f"/admin/pages/{pk}/unlock/", {}),
        ("post", f"/admin/pages/{pk}/privacy/", {"restriction_type": "login"}),
        ("post", f"/admin/pages/{pk}/convert_alias/", {}),
        ("get", f"/admin/pages/{own_bureau.pk}/add_subpage/", None),
        ("get", f"/admin/pages/add/cms/noticepage/{own_bureau.pk}/", None),
        ("post", f"/admin/pages/add/cms/noticepage/{own_bureau.pk}/", _edit_data(NoticePage(title="闯入", slug="intrude", date=date(2026, 12, 1)))),
        ("post", f"/admin/bulk/wagtailcore/page/publish/?id={pk}", {}),
        ("post", f"/admin/bulk/wagtailcore/page/unpublish/?id={pk}", {}),
        ("post", f"/admin/bulk/wagtailcore/page/delete/?id={pk}", {}),
        ("post", f"/admin/bulk/wagtailcore/page/move/?id={pk}", {"chooser": str(other_bureau.pk)}),
    ]


def test_every_page_action_on_another_bureau_s_page_is_refused_and_changes_nothing(staff, tree, closed_plan, approver_b, client_for):
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)
    results = approve(_draft_of_county_a(staff, closed_plan), staff.approver_a)
    results = results_publish(actor=staff.operator_a, plan=closed_plan, reason="待审核的更正")
    notice = _notice(bureau_a, staff.operator_a)  # a draft notice
    pages_before = Page.objects.count()
    for target in (ResultsPage.objects.get(pk=results.pk), notice):
        before = _state(target)
        revision = target.revisions.order_by("pk").first().pk
        for user in (staff.operator_b, approver_b):
            client = client_for(user)
            for method, url, data in _every_page_action(target, revision=revision, other_bureau=bureau_b, own_bureau=bureau_a):
                response = client.get(url) if method == "get" else client.post(url, data)
                body = response.content.decode(errors="replace")
                if "/bulk/" in url:  # the bulk views list the page among those the user may not act on
                    assert response.status_code in (200, 302, 403, 404), (user, url, response.status_code)
                else:
                    assert response.status_code in (302, 403, 404, 405), (user, method, url, response.status_code)
                    if response.status_code == 302:  # to the admin's home or the user's own pages
                        body = client.get(response["Location"], follow=True).content.decode(errors="replace")
                assert target.title not in body and "待审核的更正" not in body and "草稿</p>" not in body, (user, url)
                assert _state(target) == before, (user, method, url)
        assert Page.objects.count() == pages_before  # no copy, no intruding page
    assert not NoticePage.objects.filter(title="闯入").exists()


def test_own_bureau_drafts_and_approves_and_bulk_publish_skips_no_task(staff, tree, closed_plan, client_for):
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    operator = client_for(staff.operator_a)
    # The operator drafts a notice in the bureau's subtree, changes it, and submits it to the workflow.
    response = operator.post(f"/admin/pages/add/cms/noticepage/{bureau_a.pk}/",
                             _edit_data(NoticePage(title="余杭区考核通知", slug="yuhang-notice", date=date(2026, 12, 2))))
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = NoticePage.objects.get(slug="yuhang-notice")
    assert notice.get_parent().pk == bureau_a.pk and not notice.live and not notice.workflow_in_progress
    response = operator.post(f"/admin/pages/{notice.pk}/edit/", _edit_data(notice, title="余杭区考核通知（修改）"))
    assert response.status_code == 302
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.draft_title == "余杭区考核通知（修改）" and not notice.live
    response = operator.post(f"/admin/pages/{notice.pk}/edit/", _edit_data(notice, title=notice.draft_title, **{"action-submit": "1"}))
    assert response.status_code == 302
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.workflow_in_progress and notice.current_workflow_task.specific.groups.filter(name="审核人·330110").exists()
    # Publishing in the editor or through the bulk action does not skip the approval task.
    for user in (staff.operator_a, staff.approver_a, staff.admin_a):
        client = client_for(user)
        client.post(f"/admin/pages/{notice.pk}/edit/", _edit_data(notice, **{"action-publish": "1"}))
        client.post(f"/admin/bulk/wagtailcore/page/publish/?id={notice.pk}", {})
        assert not NoticePage.objects.get(pk=notice.pk).live, user
    # The bureau's approver approves through the task; then it is live.
    approve(notice, staff.approver_a)
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.live and notice.title == "余杭区考核通知（修改）"
    assert WorkflowState.objects.filter(object_id=str(notice.pk), status="approved").exists()
    # A results correction: the bureau's own staff cannot publish it past the task either.
    page = approve(_draft_of_county_a(staff, closed_plan), staff.approver_a)
    page = results_publish(actor=staff.operator_a, plan=closed_plan, reason="本局更正")
    for user in (staff.operator_a, staff.approver_a, staff.admin_a):
        client_for(user).post(f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}", {})
        assert ResultsPage.objects.get(pk=page.pk).correction_reason == "", user
    assert ResultsPage.objects.get(pk=page.pk).workflow_in_progress
    approve(ResultsPage.objects.get(pk=page.pk), staff.approver_a)
    assert ResultsPage.objects.get(pk=page.pk).correction_reason == "本局更正"


def test_the_approval_task_is_the_bureau_s(staff, tree, closed_plan, approver_b):
    page = _draft_of_county_a(staff, closed_plan)
    task = page.current_workflow_task
    assert task.get_actions(page, approver_b) == [] and not task.user_can_access_editor(page, approver_b)
    assert not task.get_task_states_user_can_moderate(approver_b).exists()
    assert task.get_task_states_user_can_moderate(staff.approver_a).exists()
    city_approver = make_staff("ap-city", ROLES.APPROVER, tree.city).user  # a bureau above approves too
    assert [a[0] for a in page.current_workflow_task.specific.get_actions(page, city_approver)][:2] == ["reject", "approve"]


def test_the_migration_moves_existing_pages_into_their_bureau(staff, tree, closed_plan):
    """The layout before issue 15: results under the results index, notices and the role groups'
    page permissions on the home page."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission

    from cms.services import results_index_ensure

    migration = importlib.import_module("cms.migrations.0006_pages_into_bureaus")
    home = HomePage.objects.get()
    index = results_index_ensure()
    BureauPage.objects.filter(jurisdiction=tree.county_a).delete()  # made again by the migration
    old = index.add_child(instance=ResultsPage(title="旧结果", slug="old-round", plan=closed_plan, live=True, snapshot={"units": []}))
    old.save_revision(user=staff.operator_a)
    notice = home.add_child(instance=NoticePage(title="旧通知", slug="old-notice", date=date(2026, 1, 1), body="<p>x</p>", owner=staff.operator_b))
    platform_notice = home.add_child(instance=NoticePage(title="平台通知", slug="platform-notice", date=date(2026, 1, 1), body="<p>x</p>"))
    GroupPagePermission.objects.create(group=Group.objects.get(name="审核人"), page=home,
                                       permission=Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page"))
    migration.forwards(apps, None)
    roles_sync()  # what runs after every migrate
    assert Page.find_problems() == ([], [], [], [], [])
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    old = ResultsPage.objects.get(pk=old.pk)
    assert old.get_parent().pk == bureau_a.pk and old.url_path == "/home/330110/old-round/" and old.url == "/330110/old-round/"
    assert NoticePage.objects.get(pk=notice.pk).get_parent().pk == BureauPage.objects.get(jurisdiction=tree.county_b).pk
    assert NoticePage.objects.get(pk=platform_notice.pk).get_parent().pk == home.pk
    assert not GroupPagePermission.objects.filter(page=home).exists()
    assert GroupPagePermission.objects.filter(group__name="经办人·330110", page=bureau_a).exists()
    assert old.permissions_for_user(staff.operator_a).can_edit() and not old.permissions_for_user(staff.operator_b).can_edit()
    migration.forwards(apps, None)  # a second run moves nothing
    assert Page.find_problems() == ([], [], [], [], []) and ResultsPage.objects.get(pk=old.pk).path == old.path
