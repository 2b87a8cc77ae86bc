"""Another bureau's results page is out of reach of every Wagtail page action (issue 15)."""

import pytest

from cms.models import ResultsPage
from cms.services import results_publish
from tests.cms.test_results_publication import approve, closed_plan  # noqa: F401 (fixture)
from tests.factories import ROLES, make_staff


@pytest.fixture
def approver_b(tree):
    return make_staff("ap-b", ROLES.APPROVER, tree.county_b).user


def _draft_of_county_a(staff, plan):
    page = results_publish(actor=staff.operator_a, plan=plan)
    return ResultsPage.objects.get(pk=page.pk)


def test_neighbouring_county_gets_no_page_permission(staff, closed_plan, approver_b):
    page = _draft_of_county_a(staff, closed_plan)
    for user in (staff.operator_b, approver_b):
        perms = page.permissions_for_user(user)
        assert not (perms.can_edit() or perms.can_publish() or perms.can_unpublish() or perms.can_delete()
                    or perms.can_copy() or perms.can_move() or perms.can_view_revisions())
    assert page.permissions_for_user(staff.operator_a).can_edit()
    assert page.permissions_for_user(staff.approver_a).can_edit()


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
