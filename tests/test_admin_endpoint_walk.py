"""Every console URL walked as the neighbouring county (issue 15, DESIGN.md §5: jurisdiction
scoping is the default; an object outside the subtree is a 404).

The walk takes every URL pattern Django's resolver has under /admin/ (recursively, so a view added
by a later Wagtail release or by one of our viewsets is walked too), fills each converter with the
id of a real object of 余杭区 (county A), and GETs it as 临平区's (county B's) operator and
approver. Every object of county A carries the marker 余杭标记甲 in a name or title; no response
(page, fragment, JSON, csv or xlsx export) may contain it. A redirect, a 403 or a 404 passes.

A pattern whose converters the table below cannot fill fails the walk, unless it is listed in
EXEMPT with the reason: nothing is skipped silently. The same walk as county A's operator must
find the marker in many responses, so the fills are real objects and the check can see them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import ROLES, import_people, import_units, make_staff

pytestmark = pytest.mark.django_db

MARK = "余杭标记甲"
ABSENT = 999_999  # the id of no object: kinds no bureau role can create (see FILL)

# Patterns not walked, each with its reason.
EXEMPT = {
    "admin/logout/": "ends the walking client's session (and is POST-only in Wagtail)",
    "admin/failwhale/": "Wagtail's error test view raises on purpose",
    "admin/test404/": "Wagtail's 404 test view",
    "admin/^.*/$": "the admin's catch-all 404 (no object in the path)",
}


@dataclass
class World:
    """County A's objects, each named with MARK, built through the services."""

    values: dict  # segment -> {param: value or [values]}
    routes: dict  # namespaced url name -> {param: value or [values]} (overrides the segment's)
    queries: dict  # namespaced url name -> [query strings]
    usccs: list


def _route_segment(route: str) -> str:
    rest = route[len("admin/"):].lstrip("^")
    return rest.split("/", 1)[0]


def admin_patterns():
    """(route, namespaced name, parameter names) of every pattern under admin/."""

    def walk(entries, prefix, namespaces):
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, namespaces + ((entry.namespace,) if entry.namespace else ()))
            elif isinstance(entry, URLPattern):
                yield route, ":".join((*namespaces, str(entry.name))), list(entry.pattern.regex.groupindex)

    return [p for p in walk(get_resolver().url_patterns, "", ()) if p[0].startswith("admin/")]


def _path(route: str, values: dict) -> str:
    """The concrete path of `route` with its converters (and regex groups) set from `values`."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _fills(world: World, route: str, name: str, params: list[str]) -> list[dict] | None:
    """Every combination of values for the route's parameters, or None when one has no value."""
    table = {**world.values.get(_route_segment(route), {}), **world.routes.get(name, {})}
    if any(p not in table for p in params):
        return None
    options = [table[p] if isinstance(table[p], list) else [table[p]] for p in params]
    return [dict(zip(params, combo)) for combo in product(*options)]


def walk_paths(world: World) -> tuple[list[str], list[str]]:
    """The paths to GET, and the patterns the table cannot fill (the walk fails on those)."""
    paths, unfilled = [], []
    for route, name, params in admin_patterns():
        if route in EXEMPT:
            continue
        fills = _fills(world, route, name, params)
        if fills is None:
            unfilled.append(f"{route} ({name}: {params})")
            continue
        for values in fills:
            path = _path(route, values)
            paths.extend(path + q for q in world.queries.get(name, [""]))
    return sorted(set(paths)), unfilled


def _body_texts(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    blobs = [body]
    if body.startswith(b"PK\x03\x04"):  # an xlsx export: look inside its members
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            blobs = [archive.read(n) for n in archive.namelist()]
    texts = []
    for blob in blobs:
        texts += [blob.decode("utf-8", "ignore"), blob.decode("gb18030", "ignore")]
    return texts


def leaks_in(response, markers: list[str]) -> list[str]:
    if response.status_code in (301, 302, 303, 307, 308, 403, 404, 405):
        return []
    found = []
    for text in _body_texts(response):
        for marker in markers:
            if marker in text or json.dumps(marker)[1:-1] in text:
                found.append(marker)
    return sorted(set(found))


def markers_of(world: World) -> list[str]:
    return [MARK, *world.usccs]


@pytest.fixture
def world(staff, tree, django_user_model) -> World:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Collection, Site, Task, Workflow

    from assessment.models import Blueprint, ConflictDeclaration, Question, QuestionVersion, SamplingPlan, Ticket
    from assessment.services import attempts as attempt_service
    from assessment.services import sampling
    from assessment.services.sessions import notice_print_record, session_create, tickets_issue
    from cms.models import BureauPage, NoticePage
    from cms.services import results_publish
    from inspection.models import InspectionItem
    from django.core.management import call_command
    from supervision.fake_register import person_rows, unit_rows
    from supervision.models import HolidaySchedule, OrderSource, Person, ProductCategory, ProductionUnit
    from supervision.services import enforcement
    from supervision.services.import_jobs import import_job_create
    from supervision.services.penalties import legal_settings_set
    from tests.factories import STARTER_BANK, fine_through_procedure, person_file

    marked_staff = make_staff("marked-a", ROLES.OPERATOR, tree.county_a, full_name=f"{MARK}经办")
    rows = unit_rows(4, [tree.county_a.code], seed=515)
    for i, row in enumerate(rows):
        row["单位名称"] = f"{MARK}单位{i}"
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2023{tree.county_a.pk:04d}{i:08d}"
    assert import_units(rows, tree.county_a).ok
    people = person_rows(rows, seed=516)
    for i, row in enumerate(people):
        row["姓名"] = f"{MARK}{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}"
    assert import_people(people, tree.county_a).ok
    # County B has its own register, so its lists have rows to render.
    assert import_units(unit_rows(2, [tree.county_b.code], seed=517), tree.county_b).ok
    job = import_job_create(actor=staff.operator_a, kind="personnel", filename=f"{MARK}人员.csv", data=person_file(people[:2]))
    unit = ProductionUnit.objects.filter(county=tree.county_a).order_by("pk").first()
    person = Person.objects.filter(unit=unit).first()

    call_command("import_questions", STARTER_BANK, verbosity=0)
    call_command("load_inspection_items", verbosity=0)
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title=f"{MARK}计划", roles=["director", "officer"],
                                       created_by=staff.operator_a, sample_size=2)
    sampling.plan_submit(actor=staff.operator_a, plan=plan)
    sampling.plan_approve(actor=staff.approver_a, plan=plan)
    sampling.frame_freeze(actor=staff.operator_a, plan=plan)
    draw = sampling.draw_perform(actor=staff.operator_a, plan=plan, seed="98765432109876543210123")
    now = timezone.now()
    session = session_create(actor=staff.operator_a, plan=plan, name=f"{MARK}场次", mode="online", venue=f"{MARK}考场",
                             starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=3))
    selections = list(draw.selections.all())
    issued = tickets_issue(actor=staff.operator_a, session=session, selections=selections)
    notice = notice_print_record(actor=staff.operator_a, session=session, issued=issued, replaces_earlier=False)
    ticket = Ticket.objects.get(pk=issued[0].ticket.pk)
    attempt = attempt_service.attempt_start(ticket=ticket)
    answers = {p: attempt_service.to_shown_letters(i, QuestionVersion.objects.get(pk=i["v"]).answer) for p, i in enumerate(attempt.paper)}
    attempt_service.attempt_save_answers(attempt=attempt, answers=answers)
    attempt_service.attempt_submit(attempt=attempt)
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=True):
        sampling.plan_close(actor=staff.operator_a, plan=plan)
    results = results_publish(actor=staff.operator_a, plan=SamplingPlan.objects.get(pk=plan.pk))  # a draft in its workflow
    workflow_state = results.current_workflow_state
    task_state = workflow_state.current_task_state

    bureau = BureauPage.objects.get(jurisdiction=tree.county_a)
    draft = bureau.add_child(instance=NoticePage(title=f"{MARK}通知草稿", slug="marked-notice", date=date(2026, 12, 1),
                                                 body="<p>草稿</p>", live=False, owner=staff.operator_a))
    draft_revision = draft.save_revision(user=staff.operator_a)

    order = enforcement.order_issue(actor=staff.operator_a, unit=unit, reason=f"{MARK}未配备质量安全总监",
                                    legal_basis=enforcement.ART_5_17, source_kind=OrderSource.REGISTER)
    evidence = enforcement.evidence_submit(actor=staff.operator_a, order=order, description=f"{MARK}整改报告",
                                           file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 " + MARK.encode() + b"\n%%EOF"))
    legal = legal_settings_set(
        actor=None, jurisdiction=tree.county_a, bureau_name=f"{MARK}市场监督管理局", address="余杭区行政服务中心3楼",
        phone="0571-86000000", payment_place="中国工商银行杭州分行", payment_method="缴款码",
        review_authority="杭州市余杭区人民政府", court="杭州铁路运输法院",
    )
    second = enforcement.order_issue(actor=staff.operator_a, unit=ProductionUnit.objects.filter(county=tree.county_a).order_by("pk")[1],
                                     reason=f"{MARK}拒不改正", legal_basis=enforcement.ART_5_17, source_kind=OrderSource.REGISTER)
    enforcement.orders_mark_overdue(today=second.deadline + timedelta(days=1))
    fine = fine_through_procedure(order=second, approver=staff.approver_a, facts=f"{MARK}逾期拒不改正")
    penalty_notice = fine.notice
    # Declarations have no service: the console's plain model form writes them as this does.
    conflict = ConflictDeclaration.objects.create(staff=marked_staff, unit=unit, reason=f"{MARK}亲属")
    TOTPDevice.objects.create(user=marked_staff.user, name="totp", confirmed=True)

    # An image and a document in 余杭区's collection (cms.services.bureau_collections_sync).
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from cms.models import BureauCollection

    media = BureauCollection.objects.get(jurisdiction=tree.county_a).collection
    image = Image.objects.create(title=f"{MARK}现场照片", file=get_test_image_file(), collection=media, uploaded_by_user=staff.operator_a)
    document = Document.objects.create(title=f"{MARK}通知附件", file=SimpleUploadedFile("notice.pdf", b"%PDF-1.4\n%%EOF\n"),
                                       collection=media, uploaded_by_user=staff.operator_a)
    holiday = HolidaySchedule.objects.create(year=2031, source=f"{MARK}通知", holidays="2031-01-01")
    # An inspection of a marked unit with a photo (tests/inspection/conftest.py builds what the
    # inspector draw makes), drawn to the county's operator so that its phone pages answer too.
    from inspection.services.records import photo_add
    from tests.inspection.conftest import make_inspection
    from tests.inspection.test_photos import image_bytes

    inspector = make_staff("marked-inspector", ROLES.OPERATOR, tree.county_a, full_name=f"{MARK}检查员", enforcement_cert_no="33011099")
    inspection = make_inspection(unit, [staff.operator_a.staff_profile, inspector], list(InspectionItem.objects.all()[:3]))
    photo, _created = photo_add(actor=staff.operator_a, inspection=inspection, client_id="8d1f0c1e-8f43-4c53-9f0e-2a4e7a3c9b10",
                                upload=SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg"))
    task = Task.objects.filter(pk=task_state.task_id).first()
    workflow = workflow_state.workflow
    pages = [results.pk, draft.pk]
    group = Group.objects.filter(name__endswith=tree.county_a.code).first()
    values = {
        "units": {"pk": unit.pk, "file_format": ["csv", "xlsx"]},
        "people": {"pk": person.pk},
        "imports": {"pk": job.pk, "kind": "personnel", "file_format": "csv"},
        "jurisdictions": {"pk": tree.county_a.pk},
        "staff": {"pk": marked_staff.pk},
        "categories": {"pk": ProductCategory.objects.first().pk},
        "orders": {"pk": order.pk, "action": ["verify", "refuse", "statement", "reject"]},
        "penalties": {"pk": fine.pk},
        "disclosures": {"pk": fine.pk, "action": ["publish", "apply", "withdraw", "agree", "refuse"]},
        "bureau_legal": {"pk": legal.pk},
        # National reference data, superusers only: any schedule, the neighbour must not reach it.
        "holiday_schedules": {"pk": holiday.pk},
        "plans": {"pk": plan.pk, "session_pk": session.pk, "notice_pk": notice.pk, "unit_pk": unit.pk, "ticket_pk": ticket.pk,
                  "selection_pk": selections[0].pk, "action": ["submit", "approve", "unlock", "freeze", "draw"]},
        "conflicts": {"pk": conflict.pk},
        "questions": {"pk": Question.objects.first().pk, "status": "retired", "file_format": "csv"},
        # The inspection item list is national like the question bank: no bureau's marker to hide.
        "inspection_items": {"pk": InspectionItem.objects.first().pk, "status": "retired"},
        "inspection": {"pk": inspection.pk},
        "blueprints": {"pk": (Blueprint.objects.first() or Question.objects.first()).pk},
        "2fa": {"pk": marked_staff.pk},
        "publish-results": {"plan_pk": plan.pk},
        "pages": {
            "page_id": pages, "parent_page_id": [bureau.pk, results.pk], "page_to_move_id": pages, "destination_id": bureau.pk,
            "revision_id": [results.latest_revision_id, draft_revision.pk], "task_state_id": task_state.pk,
            "task_id": task_state.task_id, "workflow_state_id": workflow_state.pk, "action_name": ["approve", "reject"],
            "content_type_app_name": "cms", "content_type_model_name": ["noticepage", "resultspage"],
            "app_label": "cms", "model_name": "noticepage", "pk": pages, "revision_id_a": "earliest", "revision_id_b": "latest",
        },
        "choose-page": {"parent_page_id": [bureau.pk, results.pk]},
        "bulk": {"app_label": "wagtailcore", "model_name": "page", "action": ["publish", "unpublish", "delete", "move"]},
        "api": {"pk": pages, "action_name": "publish"},
        "forms": {"page_id": pages},
        "workflows": {"pk": [workflow.pk, task.pk if task else ABSENT], "page_pk": bureau.pk, "workflow_pk": workflow.pk,
                      "app_label": "cms", "model_name": "jurisdictionapprovaltask", "task_id": task.pk if task else ABSENT},
        "collections": {"pk": [Collection.get_first_root_node().pk, media.pk], "collection_id": [Collection.get_first_root_node().pk, media.pk]},
        "editing-sessions": {"app_label": "wagtailcore", "model_name": "page", "object_id": draft.pk, "session_id": ABSENT},
        "tag-autocomplete": {"app_name": "taggit", "model_name": "tag"},
        "settings": {"app_name": "cms", "model_name": "homepage", "pk": ABSENT},
        "sites": {"pk": Site.objects.first().pk},
        "users": {"pk": marked_staff.user.pk},
        "groups": {"pk": group.pk},
        # 余杭区's marked image and document; the multiple-upload views' unfinished uploads
        # (UploadedFile) are the uploader's own, none of county A's to fill in.
        "documents": {"document_id": document.pk, "doc_id": document.pk, "uploaded_file_id": ABSENT, "pk": document.pk},
        "images": {"image_id": image.pk, "uploaded_file_id": ABSENT, "filter_spec": ["original", "max-165x165"], "pk": image.pk},
        "redirects": {"redirect_id": ABSENT},
        "password_reset": {"uidb64": urlsafe_base64_encode(force_bytes(marked_staff.user.pk)), "token": "set-password"},
    }
    routes = {
        "orders:evidence_file": {"pk": evidence.pk},
        "inspection:photo": {"pk": photo.pk},
        "orders:notice_print": {"pk": penalty_notice.pk},
        "orders:notice": {"pk": [order.pk, second.pk]},
        "orders:fine": {"pk": [order.pk, second.pk]},
        "orders:action": {"pk": [order.pk, second.pk]},
        "plans:ticket_action": {"action": ["unlock", "extra_time", "absent"]},
    }
    queries = {
        "wagtail_bulk_action": [f"?id={results.pk}&id={draft.pk}"],
        "wagtailadmin_api:listing": ["", f"?child_of={bureau.pk}", "?search=标记甲"],
        "wagtailadmin_choose_page_search": ["?q=标记甲"],
        "wagtailadmin_pages:search": ["?q=标记甲"],
        "wagtailadmin_pages:search_results": ["?q=标记甲"],
        "units:index": ["", "?q=标记甲"],
        "people:index": ["", "?q=标记甲"],
        "wagtailimages_chooser:chosen_multiple": [f"?id={image.pk}"],
        "wagtaildocs_chooser:chosen_multiple": [f"?id={document.pk}"],
    }
    return World(values=values, routes=routes, queries=queries, usccs=[r["统一社会信用代码"] for r in rows])


def _walk(client: Client, paths: list[str], markers: list[str]) -> tuple[dict, dict]:
    leaks, statuses = {}, {}
    for path in paths:
        response = client.get(path)
        statuses[path] = response.status_code
        found = leaks_in(response, markers)
        if found:
            leaks[path] = (response.status_code, found)
    return leaks, statuses


def _assert_walk_complete(world):
    paths, unfilled = walk_paths(world)
    assert not unfilled, "URL patterns the walk cannot fill (add them to FILL or EXEMPT with a reason):\n" + "\n".join(unfilled)
    assert len(paths) > 300
    return paths


@pytest.mark.parametrize(("role", "where"), [
    (ROLES.OPERATOR, "county_b"), (ROLES.APPROVER, "county_b"), (ROLES.ADMIN, "county_b"),
    (ROLES.OVERSEER, "other_city"),  # 宁波市's overseer: above other counties, not above 余杭区
])
def test_no_console_url_shows_the_neighbouring_county_s_data(world, tree, role, where):
    """DESIGN.md §5: 临平区's operator, approver and bureau administrator, and another city's
    overseer, GET every /admin/ URL filled with 余杭区's ids: no response carries 余杭区's marker (a
    redirect, 403 or 404 passes)."""
    paths = _assert_walk_complete(world)
    client = Client()
    client.force_login(make_staff(f"walker-{role}", role, getattr(tree, where)).user)
    leaks, statuses = _walk(client, paths, markers_of(world))
    assert not leaks, f"{len(leaks)} of {len(paths)} URLs show 余杭区's data to {where}'s {role}:\n" + "\n".join(
        f"{path} [{status}] {found}" for path, (status, found) in leaks.items())
    assert 500 not in statuses.values()


def test_the_walk_sees_county_a_s_own_data(world, staff):
    """The fills are real: county A's operator finds the marker in its own objects' pages, so a leak
    would be seen."""
    paths = _assert_walk_complete(world)
    client = Client()
    client.force_login(staff.operator_a)
    seen, _statuses = _walk(client, paths, markers_of(world))
    for expected in ("/admin/units/", "/admin/people/", "/admin/imports/", "/admin/plans/", "/admin/orders/", "/admin/penalties/",
                     "/admin/conflicts/", "/admin/bureau_legal/", "/admin/pages/", "/admin/images/", "/admin/documents/"):
        assert any(p.startswith(expected) for p in seen), expected
    assert len(seen) >= 40, sorted(seen)


# Our console views the authorization seam does not decide, each with its reason.
SEAM_EXEMPT = {
    "two_factor_setup": "one's own second factor: every signed-in staff member enrols",
    "two_factor_recovery": "one's own recovery codes, after enrolling",
    "two_factor_verify": "one's own code at login",
}
OUR_APPS = ("supervision", "assessment", "inspection", "cms", "config")


def seam_decision(path: str, user) -> bool | None:
    """What `supervision.authorization` says `user` may do at `path`: the view's declared rule
    (`requires`), or, for a Wagtail view of one of our models, the rule behind the Wagtail action
    it checks (the model's `SeamPermissionPolicy`), with the console's edit gate on the views that
    change something. None where the seam does not decide (Wagtail's own page views, which keep
    Wagtail's page permissions per bureau subtree)."""
    from wagtail.permissions import policy_registry

    from supervision.authorization import SeamPermissionPolicy, may
    from supervision.console import ScopedEditMixin

    try:
        func = resolve(path.split("?", 1)[0]).func
    except Resolver404:  # a path Django resolves only once unquoted (the revisions comparison)
        return None
    if action := getattr(func, "authorization", None):
        return may(user, action)
    view_class = getattr(func, "view_class", None)
    kwargs = getattr(func, "view_initkwargs", {})
    model = kwargs.get("model") or getattr(view_class, "model", None)
    policy = policy_registry.get_by_type(model) if isinstance(model, type) else None
    if not isinstance(policy, SeamPermissionPolicy):
        return None
    required = kwargs.get("permission_required", getattr(view_class, "permission_required", None))
    any_required = kwargs.get("any_permission_required", getattr(view_class, "any_permission_required", None))
    allowed = (required is None or policy.user_has_permission(user, required)) and (
        any_required is None or policy.user_has_any_permission(user, any_required))
    if issubclass(view_class, ScopedEditMixin):
        allowed = allowed and may(user, "console.edit")
    return allowed


def test_every_console_view_of_ours_is_decided_by_the_seam():
    """Each /admin/ pattern served by our apps declares its rule (`requires`) or is a Wagtail view
    of a model whose policy is the seam's, so a new view without a decision fails here."""
    from django.contrib.auth.models import AnonymousUser

    undecided, ours = [], 0
    for route, name, params in admin_patterns():
        if route in EXEMPT or name in SEAM_EXEMPT:
            continue
        path = _path(route, dict.fromkeys(params, 1))
        func = resolve(path).func
        module = getattr(getattr(func, "view_class", None), "__module__", None) or func.__module__
        if module.split(".")[0] in OUR_APPS:
            ours += 1
            if seam_decision(path, AnonymousUser()) is None:
                undecided.append(f"{name} ({module})")
    assert ours > 120
    assert not undecided, "console views without an authorization decision:\n" + "\n".join(undecided)


@pytest.mark.parametrize("role", [ROLES.OPERATOR, ROLES.APPROVER, ROLES.ADMIN, ROLES.OVERSEER, "platform"])
def test_every_console_url_answers_as_the_seam_decides(world, tree, staff, django_user_model, role):
    """County A's own operator, approver and administrator, the city's overseer and a platform
    administrator GET every /admin/ URL filled with county A's objects: where the seam refuses, no
    page is served (a 403, 404, 405 or a redirect); where it allows, the view does not refuse (no
    403). Both directions, for every pattern the seam decides."""
    paths = _assert_walk_complete(world)
    if role == "platform":
        user = django_user_model.objects.create_superuser("walker-root", password="x")
    else:
        user = make_staff(f"seam-{role}", role, tree.city if role == ROLES.OVERSEER else tree.county_a).user
    client = Client()
    client.force_login(user)
    disagreements, decided = [], 0
    for path in paths:
        expected = seam_decision(path, user)
        if expected is None:
            continue
        decided += 1
        status = client.get(path).status_code
        if (expected and status == 403) or (not expected and status == 200):
            disagreements.append(f"{path}: seam {'allows' if expected else 'refuses'}, view answered {status}")
    assert decided > 150
    assert not disagreements, f"{len(disagreements)} URLs where {role}'s response disagrees with the seam:\n" + "\n".join(disagreements)
