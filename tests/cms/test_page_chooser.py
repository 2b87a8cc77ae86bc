"""Wagtail's page chooser (the modal of page and link choosers) as a bureau's staff (issue 15): it
offers the user's own bureau's pages, drafts included, and the platform's live shared pages, finds
them by any part of a Chinese title, and never lists or finds another bureau's pages."""

import json
from datetime import date

import pytest

from cms.models import BureauPage, NoticePage, RegulationPage
from cms.services import home_page_ensure, results_index_ensure

pytestmark = pytest.mark.django_db


def _notice(parent, owner, title, slug, *, live=False):
    page = parent.add_child(instance=NoticePage(title=title, slug=slug, date=date(2026, 12, 1), body="<p>正文</p>", live=live, owner=owner))
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
    return NoticePage.objects.get(pk=page.pk)


@pytest.fixture
def pages(staff, tree):
    home = home_page_ensure()
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)
    regulation = home.add_child(instance=RegulationPage(title="产品质量安全监督管理办法", slug="order-75", body="第一条"))
    return {
        "home": home, "bureau_a": bureau_a, "bureau_b": bureau_b, "index": results_index_ensure(), "regulation": regulation,
        "draft_a": _notice(bureau_a, staff.operator_a, "余杭区停电检修通知", "outage-a"),
        "live_a": _notice(bureau_a, staff.operator_a, "余杭区考核安排", "schedule-a", live=True),
        "draft_b": _notice(bureau_b, staff.operator_b, "临平区停电检修通知", "outage-b"),
        "live_b": _notice(bureau_b, staff.operator_b, "临平区考核安排", "schedule-b", live=True),
        "platform_draft": _notice(home, None, "平台维护通知草稿", "platform-draft"),
    }


def _chosen_ids(response) -> set[int]:
    """The ids of the choosable rows (`data-id` of the chooser's links) in a browse (JSON) or search (HTML) answer."""
    import re

    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(body)["html"]
    return {int(pk) for pk in re.findall(r'class="choose-page"[^>]*data-id="(\d+)"', body)}


def _search(client, q, **extra):
    return _chosen_ids(client.get("/admin/choose-page/search/", {"q": q, **extra}))


def test_search_finds_the_own_bureau_s_pages_by_part_of_a_chinese_title(staff, pages, client_for):
    client = client_for(staff.operator_a)
    assert _search(client, "停电") == {pages["draft_a"].pk}  # Wagtail's autocomplete found nothing here
    assert _search(client, "考核") == {pages["live_a"].pk, pages["index"].pk}  # the results index is shared
    assert _search(client, "余杭区 通知") == {pages["draft_a"].pk}  # every term must match
    assert _search(client, "管理办法") == {pages["regulation"].pk}  # a live shared page
    assert _search(client, "停电", page_type="cms.regulationpage") == set()  # the chooser's page type holds


def test_search_never_finds_another_bureau_s_pages(staff, pages, client_for):
    client = client_for(staff.operator_b)
    for q in ("余杭区停电检修通知", "余杭区", "停电", "考核", "通知"):
        found = _search(client, q)
        assert not found & {pages["draft_a"].pk, pages["live_a"].pk, pages["bureau_a"].pk}, q
    assert _search(client, "停电") == {pages["draft_b"].pk}
    assert _search(client, "平台维护") == set()  # the platform's drafts are not shared
    body = client.get("/admin/choose-page/search/", {"q": "余杭区"}).content.decode()
    assert "余杭区停电检修通知" not in body and "余杭区考核安排" not in body


def test_browsing_offers_the_own_bureau_and_the_shared_pages(staff, pages, client_for):
    client = client_for(staff.operator_a)
    at_home = _chosen_ids(client.get(f"/admin/choose-page/{pages['home'].pk}/"))
    assert {pages["bureau_a"].pk, pages["index"].pk, pages["regulation"].pk} <= at_home
    assert not at_home & {pages["bureau_b"].pk, pages["platform_draft"].pk}
    in_bureau = _chosen_ids(client.get(f"/admin/choose-page/{pages['bureau_a'].pk}/"))
    assert in_bureau == {pages["bureau_a"].pk, pages["draft_a"].pk, pages["live_a"].pk}  # the parent row is choosable too
    # Another bureau's subtree is a 404 (the bureau-pages middleware), not an empty modal.
    assert client.get(f"/admin/choose-page/{pages['bureau_b'].pk}/").status_code == 404
    assert client.get(f"/admin/choose-page/{pages['draft_b'].pk}/").status_code == 404


def test_the_root_of_the_chooser_leads_to_the_own_bureau(staff, pages, client_for):
    """The rich text link chooser opens at the tree's root: home is there, and from it the bureau."""
    client = client_for(staff.operator_b)
    response = client.get("/admin/choose-page/")
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert f'href="/admin/choose-page/{pages["home"].pk}/' in html
    at_home = _chosen_ids(client.get(f"/admin/choose-page/{pages['home'].pk}/"))
    assert pages["bureau_b"].pk in at_home and pages["bureau_a"].pk not in at_home


def test_the_city_s_operator_chooses_the_counties_below(tree, pages, client_for):
    from tests.factories import ROLES, make_staff

    client = client_for(make_staff("op-city", ROLES.OPERATOR, tree.city).user)
    assert _search(client, "停电") == {pages["draft_a"].pk, pages["draft_b"].pk}


def test_platform_admin_searches_everything(pages, django_user_model, client_for):
    root = django_user_model.objects.create_superuser("root-chooser", password="x")
    assert _search(client_for(root), "停电") == {pages["draft_a"].pk, pages["draft_b"].pk}
    assert pages["platform_draft"].pk in _chosen_ids(client_for(root).get(f"/admin/choose-page/{pages['home'].pk}/"))


def test_the_admin_api_search_is_closed_to_bureau_staff(staff, pages, client_for):
    """The API (which the page explorer reads) is reserved to platform admins: its search is a 404."""
    for user in (staff.operator_a, staff.operator_b):
        assert client_for(user).get("/admin/api/main/pages/", {"search": "停电"}).status_code == 404


def test_search_bad_input_answers_an_empty_list(staff, pages, client_for):
    client = client_for(staff.operator_a)
    assert _search(client, "") == set()
    assert _search(client, "%") == set() and _search(client, "_") == set()
    assert client.get("/admin/choose-page/search/", {"q": "停电", "page_type": "no.such"}).status_code == 404
    assert client.get("/admin/choose-page/search/", {"q": "停电", "p": "x"}).status_code == 200


def test_search_is_paginated_so_its_queries_are_bounded(staff, pages, client_for, django_assert_max_num_queries):
    """Wagtail's chooser table costs three queries a row (parent, latest revision, workflow state),
    so the answer is bounded by its 25 rows a page, whatever the number of matching pages."""
    client = client_for(staff.operator_a)
    client.get("/admin/choose-page/search/", {"q": "余杭区"})  # session and caches warm
    for i in range(30):
        _notice(pages["bureau_a"], staff.operator_a, f"余杭区通知{i}", f"more-{i}")
    with django_assert_max_num_queries(20 + 3 * 25):
        assert len(_search(client, "余杭区")) == 25
    assert len(_search(client, "余杭区", p="2")) == 33 - 25  # its bureau page, two notices and the thirty new ones
