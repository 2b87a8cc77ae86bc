"""不合格单位名单 (issue 18): the units that did not pass a round published in the last year, on the
public site at /results/failed/. Rounds are sat, closed, published and approved through the real
services (tests.cms.test_results_publication); the list reads only live, public pages."""

import html as html_lib
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from assessment.services.sampling import plan_close
from cms.models import BureauPage, HomePage, ResultsPage
from cms.selectors import failed_list_window
from cms.services import results_publish
from supervision.models import Person, ProductionUnit
from tests.cms.test_results_publication import approve
from tests.factories import make_staff, open_session_with_tickets, sit

LIST = "/results/failed/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def closed_round(*, county, operator, approver, batch=1, units=5, sample=None, sitting=True, plan_options=None):
    """A round of `county` sat and closed: with `sitting`, the first drawn unit's people all pass,
    one of the second unit's people fails (the others pass) and the third unit's people stay away;
    without it, every drawn unit is absent."""
    session, issued = open_session_with_tickets(county=county, operator=operator, approver=approver, units=units, sample=sample,
                                                 plan_options={"batch": batch, **(plan_options or {})})
    if sitting:
        by_unit = defaultdict(list)
        for item in issued:
            by_unit[item.ticket.person.unit_id].append(item.ticket)
        passing, failing = list(by_unit)[:2]
        for ticket in by_unit[passing]:
            sit(ticket, right=True)
        for i, ticket in enumerate(by_unit[failing]):
            sit(ticket, right=i > 0)
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):  # the session is over
        return plan_close(actor=operator, plan=session.plan)


def published(plan, operator, approver) -> ResultsPage:
    return approve(results_publish(actor=operator, plan=plan), approver)


def by_outcome(page) -> dict[str, list[dict]]:
    units = defaultdict(list)
    for unit in page.snapshot["units"]:
        units[unit["outcome"]].append(unit)
    return units


def rows_of(response) -> list[dict]:
    """The list's table rows: each cell's text, and the round's link."""
    match = re.search(r'<table class="results" id="zl-failed-units">(.*?)</table>', response.content.decode(), re.S)
    if match is None:
        return []
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", match.group(1).split("<tbody>")[1], re.S):
        cells = [html_lib.unescape(re.sub(r"<[^>]+>", "", td)).strip() for td in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        href = re.search(r'href="([^"]+)"', tr).group(1)
        rows.append(dict(zip(("name", "uscc", "county", "round", "result", "published_on", "until", "rectification"), cells), href=href))
    return rows


def on_day(page, days: int):
    """Noon (Shanghai) of the day `days` days after the round's first publication."""
    published_on = timezone.localdate(page.first_published_at)
    return time_machine.travel(datetime.combine(published_on + timedelta(days=days), time(12), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def round_a(staff, tree):
    return closed_round(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a)


@pytest.fixture
def approver_b(tree):
    return make_staff("ap-b", "approver", tree.county_b).user


def test_a_failed_unit_is_listed_once_its_round_is_approved_and_a_passed_one_never(staff, round_a, client):
    draft = results_publish(actor=staff.operator_a, plan=round_a)
    assert rows_of(client.get(LIST)) == []  # a draft awaiting approval is not public
    page = approve(ResultsPage.objects.get(pk=draft.pk), staff.approver_a)
    response = client.get(LIST)  # the anonymous public
    assert response.status_code == 200
    rows = rows_of(response)
    units = by_outcome(page)
    failed = units["failed"][0]
    published_on = timezone.localdate(page.first_published_at)
    row = next(r for r in rows if r["uscc"] == failed["uscc"])
    assert row == {
        "name": failed["name"], "uscc": failed["uscc"], "county": "余杭区", "round": page.title, "result": "不合格",
        "published_on": f"{published_on:%Y-%m-%d}", "until": f"{published_on + timedelta(days=365):%Y-%m-%d}",
        "rectification": "整改中", "href": page.url,
    }
    assert units["passed"] and not {u["uscc"] for u in units["passed"]} & {r["uscc"] for r in rows}
    assert {r["uscc"] for r in rows} == {u["uscc"] for u in units["failed"] + units["absent"]}


def test_no_person_is_shown(staff, round_a, client):
    page = published(round_a, staff.operator_a, staff.approver_a)
    html = client.get(LIST).content.decode()
    assert rows_of(client.get(LIST))
    for unit in page.snapshot["units"]:
        for person in unit["people"]:
            assert person["name"] not in html  # not even masked
    for person in Person.objects.filter(unit__county=round_a.jurisdiction):
        assert person.name not in html and person.id_number_masked[-4:] + "<" not in html


def test_absent_units_are_listed_as_absent_where_the_round_counts_absence_as_failing(staff, round_a, client):
    assert round_a.absent_counts_as_failed  # the plan's default
    page = published(round_a, staff.operator_a, staff.approver_a)
    absent = by_outcome(page)["absent"]
    assert absent and page.snapshot["absent_counts_as_failed"] is True
    rows = {r["uscc"]: r for r in rows_of(client.get(LIST))}
    assert all(rows[u["uscc"]]["result"] == "缺考" for u in absent)


def test_absent_units_are_not_listed_where_the_round_leaves_absence_out(staff, tree, client):
    plan = closed_round(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, plan_options={"absent_counts_as_failed": False})
    page = published(plan, staff.operator_a, staff.approver_a)
    units = by_outcome(page)
    assert units["absent"] and page.snapshot["absent_counts_as_failed"] is False
    rows = rows_of(client.get(LIST))
    assert [r["uscc"] for r in rows] == [u["uscc"] for u in units["failed"]]
    assert all(r["result"] == "不合格" for r in rows)


def test_listed_on_day_365_after_publication_and_gone_on_day_366(staff, round_a, client):
    assert settings.FAILED_UNITS_LIST_DAYS == 365
    page = published(round_a, staff.operator_a, staff.approver_a)
    failed = by_outcome(page)["failed"][0]["uscc"]
    with on_day(page, 365):
        rows = rows_of(client.get(LIST))
        assert failed in {r["uscc"] for r in rows}
        assert {r["until"] for r in rows} == {f"{timezone.localdate():%Y-%m-%d}"}  # the last day it is listed
    with on_day(page, 366):
        response = client.get(LIST)
        assert response.status_code == 200 and rows_of(response) == []
        assert 'class="empty"' in response.content.decode()
    assert page.url  # the round itself stays public: only the list lets it go
    with on_day(page, 366):
        assert client.get(page.url).status_code == 200


def test_the_period_is_counted_in_local_days():
    window = failed_list_window(today=date(2027, 3, 1), days=365)
    assert window.earliest == date(2026, 3, 1)
    assert window.since == datetime(2026, 3, 1, tzinfo=SHANGHAI)  # 2026-02-28 16:00 UTC
    assert window.until == datetime(2027, 3, 2, tzinfo=SHANGHAI)


def test_a_corrected_round_is_listed_from_its_latest_approved_snapshot_and_its_first_publication(staff, round_a, client):
    page = published(round_a, staff.operator_a, staff.approver_a)
    failed = by_outcome(page)["failed"][0]
    unit = ProductionUnit.objects.get(uscc=failed["uscc"])
    unit.name = "改名后的不合格单位"
    unit.save()
    first = {r["uscc"]: r for r in rows_of(client.get(LIST))}[failed["uscc"]]
    with on_day(page, 30):
        corrected = results_publish(actor=staff.operator_a, plan=round_a, reason="单位名称变更")
        assert {r["uscc"]: r for r in rows_of(client.get(LIST))}[failed["uscc"]]["name"] == failed["name"]  # not approved yet
        approve(ResultsPage.objects.get(pk=corrected.pk), staff.approver_a)
        rows = [r for r in rows_of(client.get(LIST)) if r["uscc"] == failed["uscc"]]
    assert [r["name"] for r in rows] == ["改名后的不合格单位"]  # once, as corrected
    assert (rows[0]["published_on"], rows[0]["until"]) == (first["published_on"], first["until"])  # the period is not restarted


def test_search_by_uscc_and_by_a_chinese_name_fragment(staff, round_a, client):
    page = published(round_a, staff.operator_a, staff.approver_a)
    failed, absent = by_outcome(page)["failed"][0], by_outcome(page)["absent"][0]
    assert [r["uscc"] for r in rows_of(client.get(LIST, {"q": failed["uscc"][-6:].lower()}))] == [failed["uscc"]]
    fragment = absent["name"][2:5]
    assert re.fullmatch(r"[\u4e00-\u9fff]{3}", fragment)
    assert absent["uscc"] in [r["uscc"] for r in rows_of(client.get(LIST, {"q": fragment}))]
    passed = by_outcome(page)["passed"][0]
    response = client.get(LIST, {"q": passed["uscc"]})  # a unit that passed is found nowhere on the list
    assert response.status_code == 200 and rows_of(response) == [] and 'class="empty"' in response.content.decode()


def test_filter_by_bureau_and_by_county(staff, tree, round_a, approver_b, client):
    page_a = published(round_a, staff.operator_a, staff.approver_a)
    plan_b = closed_round(county=tree.county_b, operator=staff.operator_b, approver=approver_b)
    page_b = published(plan_b, staff.operator_b, approver_b)
    everyone = rows_of(client.get(LIST))
    assert {r["href"] for r in everyone} == {page_a.url, page_b.url}
    only_a = rows_of(client.get(LIST, {"bureau": "330110"}))
    assert only_a and {r["href"] for r in only_a} == {page_a.url}
    only_b = rows_of(client.get(LIST, {"bureau": "330113"}))
    assert only_b and {r["href"] for r in only_b} == {page_b.url} and {r["county"] for r in only_b} == {"临平区"}
    assert {r["href"] for r in rows_of(client.get(LIST, {"county": "临平区"}))} == {page_b.url}
    unknown = client.get(LIST, {"bureau": "999999"})
    assert unknown.status_code == 400 and rows_of(unknown) == [] and 'role="alert"' in unknown.content.decode()
    assert client.get(LIST, {"bureau": "<script>"}).status_code == 400


def test_linked_from_the_results_index_and_each_bureau_page(staff, round_a, client):
    published(round_a, staff.operator_a, staff.approver_a)
    assert f'href="{LIST}"' in client.get("/results/").content.decode()
    bureau_html = client.get("/330110/").content.decode()
    assert f'href="{LIST}?bureau=330110"' in bureau_html


def test_fifty_a_page_and_the_pager_keeps_the_filter(staff, tree, client):
    plan = closed_round(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=55, sample=55, sitting=False)
    page = published(plan, staff.operator_a, staff.approver_a)
    absent = {u["uscc"] for u in by_outcome(page)["absent"]}
    assert 50 < len(absent) <= 55  # a drawn unit with nobody of the plan's roles has no ticket
    first = client.get(LIST, {"bureau": "330110"})
    assert len(rows_of(first)) == 50
    assert 'href="?bureau=330110&amp;p=2"' in first.content.decode()
    second = rows_of(client.get(LIST, {"bureau": "330110", "p": "2"}))
    assert len(second) == len(absent) - 50
    assert {r["uscc"] for r in rows_of(first)} | {r["uscc"] for r in second} == absent
    for bad in ("abc", "-1", "999"):  # never a 500: Django's Paginator gives the first or last page
        response = client.get(LIST, {"p": bad})
        assert response.status_code == 200 and rows_of(response)


def test_queries_do_not_grow_with_the_rounds(staff, tree, round_a, approver_b, client):
    published(round_a, staff.operator_a, staff.approver_a)
    client.get(LIST)  # warm the site's root paths, as any request before would
    with CaptureQueriesContext(connection) as one:
        assert len(rows_of(client.get(LIST))) == 2
    published(closed_round(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, batch=2), staff.operator_a, staff.approver_a)
    published(closed_round(county=tree.county_b, operator=staff.operator_b, approver=approver_b), staff.operator_b, approver_b)
    client.get(LIST)
    with CaptureQueriesContext(connection) as three:
        assert len(rows_of(client.get(LIST))) == 6
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def test_private_pages_and_another_site_s_pages_do_not_leak(staff, tree, round_a, approver_b, client, client_for):
    page_a = published(round_a, staff.operator_a, staff.approver_a)
    page_b = published(closed_round(county=tree.county_b, operator=staff.operator_b, approver=approver_b), staff.operator_b, approver_b)
    PageViewRestriction.objects.create(page=page_a, restriction_type=PageViewRestriction.LOGIN)  # one round made private
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)
    PageViewRestriction.objects.create(page=bureau_b, restriction_type=PageViewRestriction.PASSWORD, password="secret-b")  # a whole bureau
    # Another site on the same installation, with a live round of its own.
    home = HomePage.objects.get()
    other_home = home.get_parent().add_child(instance=HomePage(title="其他站点", slug="other-site"))
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    other_bureau = other_home.add_child(instance=BureauPage(title="海曙区", slug="330203", jurisdiction=tree.county_c))
    stray = ResultsPage.objects.get(pk=page_a.pk).copy(to=other_bureau, update_attrs={"slug": "stray", "title": "其他站点的考核"}, keep_live=True)
    assert ResultsPage.objects.get(pk=stray.pk).live
    for viewer in (client, client_for(staff.operator_a)):  # logged-in staff read the public list too
        response = viewer.get(LIST)
        html = response.content.decode()
        assert response.status_code == 200 and rows_of(response) == []
        assert page_a.url not in html and page_b.url not in html and "其他站点的考核" not in html
        assert "临平区" not in html and "海曙区" not in html  # neither bureau is offered as a filter
    assert client.get(LIST, {"bureau": "330113"}).status_code == 400
