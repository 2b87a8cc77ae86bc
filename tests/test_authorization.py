"""The one authorization decision (`supervision/authorization.py`, DESIGN.md §8, issue 16): every
rule by role, by jurisdiction (subtree and own bureau), by object, for the system actor, and the
disagreements the old scattered checks had."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.permissions import policy_registry

from assessment.models import PlanStatus, SamplingPlan
from assessment.services import sampling
from supervision.authorization import SeamPermissionPolicy, actions, authorize, decide, may
from supervision.fake_register import unit_rows
from supervision.models import OrderSource, ProductionUnit, RectificationOrder
from supervision.services import enforcement
from tests.factories import ROLES, import_units, make_staff

pytestmark = pytest.mark.django_db

OP, AP, AD, OV = ROLES.OPERATOR, ROLES.APPROVER, ROLES.ADMIN, ROLES.OVERSEER
# Who holds each action, written out here (not read from the rules): a new rule needs its line.
EXPECTED = {
    "console.read": {OP, AP, AD, OV},
    "console.edit": {OP, AP, AD},
    "register.change": {OP, AP, AD},
    "register.import": {OP, AP, AD},
    "person.reveal_id": {OP, AP, AD},
    "jurisdiction.change": set(),
    "records.manage": set(),
    "categories.change": {AD},
    "staff.manage": {AD},
    "two_factor.reset": {AD},
    "legal_settings.change": {AD},
    "order.change": {OP, AP, AD},
    "penalty.decide": {AP, AD},
    "holiday_schedule.change": set(),
    "credit.record": {OP, AP, AD},  # events follow actions their own services authorized (issue 18)
    "credit_rules.change": {AP, AD},  # the province's credit rules: approvers
    "disclosure.draft": {OP, AP, AD},  # 行政处罚信息公示 drafted by the bureau's officers (Order 45)
    "disclosure.withdraw": {AP, AD},  # withdrawn, or credit repair decided, by an approver
    "assessment.read": {OP, AP, AD, OV},
    "bank.change": {AP, AD},
    "plan.change": {OP, AP, AD},
    "plan.approve": {AP, AD},
    "plan.return": {AP, AD},
    "inspection.read": {OP, AP, AD, OV},
    "items.change": {AP, AD},  # the inspection item list is national, kept like the question bank
    "inspection.record": {OP, AP, AD},  # and only the inspectors drawn for the inspection, while it is open
}
# What the platform itself (actor=None: the command line, the demo's seed, periodic commands) may do.
SYSTEM = {"console.edit", "register.change", "staff.manage", "legal_settings.change", "order.change", "bank.change", "items.change",
          "credit.record", "disclosure.draft", "disclosure.withdraw"}


@pytest.fixture
def people(tree):
    return {role: make_staff(f"authz-{role}", role, tree.county_a).user for role in (OP, AP, AD)} | {
        OV: make_staff("authz-ov", OV, tree.city).user}


@pytest.fixture
def unit_a(tree):
    assert import_units(unit_rows(1, [tree.county_a.code], seed=71), tree.county_a).ok
    return ProductionUnit.objects.get(county=tree.county_a)


@pytest.fixture
def plan_a(tree, people):
    plan = SamplingPlan.objects.create(jurisdiction=tree.county_a, year=2026, title="甲计划", roles=["director"],
                                       created_by=people[OP], sample_size=1)
    sampling.plan_submit(actor=people[OP], plan=plan)
    return plan


def test_every_rule_is_written_out_here():
    assert set(actions()) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_holds_exactly_its_actions(people, action):
    for role, user in people.items():
        assert may(user, action) is (role in EXPECTED[action]), (role, action)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_the_platform_administrator_holds_all_but_the_whole_id_number(action):
    root = get_user_model().objects.create_superuser("root-authz", password="x")
    assert may(root, action) is (action != "person.reveal_id")  # PIPL Art. 28: minimum necessary


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_the_system_actor_holds_only_the_system_rules(action):
    assert may(None, action) is (action in SYSTEM)


def test_an_inactive_user_or_one_without_a_profile_holds_nothing(people):
    user = people[AD]
    user.is_active = False
    assert not any(may(user, action) for action in EXPECTED)
    stranger = get_user_model().objects.create_user("no-profile", password="x")
    assert not any(may(stranger, action) for action in EXPECTED)


def test_an_object_of_another_county_is_refused_and_one_below_the_overseer_is_read(tree, people, unit_a):
    neighbour = make_staff("authz-b", OP, tree.county_b).user
    for action in ("console.read", "register.change", "order.change", "person.reveal_id"):
        assert may(people[OP], action, unit_a)
        assert not may(neighbour, action, unit_a), action
    assert may(people[OV], "console.read", unit_a)  # 杭州市 is above 余杭区
    assert not may(make_staff("authz-nb", OV, tree.other_city).user, "console.read", unit_a)


def test_own_bureau_rules_refuse_the_bureau_above(tree, people, plan_a, unit_a):
    """A city approver works in the county's subtree but approves only the city's own plans; a
    whole ID number is for the unit's own county only."""
    city_approver = make_staff("authz-city-ap", AP, tree.city).user
    assert may(city_approver, "penalty.decide", unit_a)
    assert not may(city_approver, "plan.approve", plan_a)
    assert not may(city_approver, "plan.return", plan_a)
    assert not may(city_approver, "person.reveal_id", unit_a.people.first() or unit_a)
    assert may(people[AP], "plan.approve", plan_a)


def test_the_drafter_does_not_approve_with_the_rule_s_own_reason(tree, plan_a):
    drafter = make_staff("authz-drafter", AP, tree.county_a).user
    plan_a.created_by = drafter
    decision = decide(drafter, "plan.approve", plan_a)
    assert not decision and decision.reason == "计划拟定人不能审核自己拟定的计划。"
    assert may(drafter, "plan.return", plan_a)


def test_a_neighbouring_county_cannot_act_on_a_plan_through_the_services(tree, people, plan_a):
    """The old checks asked only "is this user an editor?": 临平区's staff could submit, freeze,
    draw and return 余杭区's plan through the services. Now refused, and nothing changes."""
    approver_b = make_staff("authz-ap-b", AP, tree.county_b).user
    with pytest.raises(PermissionDenied) as refused:
        sampling.plan_return(actor=approver_b, plan=plan_a, reason="不行")
    assert str(refused.value) == "只有计划所属机构的审核人可以退回计划。"
    operator_b = make_staff("authz-op-b", OP, tree.county_b).user
    with pytest.raises(PermissionDenied):
        sampling.frame_freeze(actor=operator_b, plan=plan_a)
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.SUBMITTED and not hasattr(plan_a, "frame")


def test_authorize_raises_the_rule_s_chinese_refusal(people):
    with pytest.raises(PermissionDenied) as refused:
        authorize(people[OP], "penalty.decide")
    assert str(refused.value) == "只有审核人才能作出行政处罚决定。"
    authorize(people[AP], "penalty.decide")


def test_a_decision_on_loaded_relations_costs_no_query(people, unit_a):
    unit = ProductionUnit.objects.select_related("county").get(pk=unit_a.pk)
    may(people[OP], "console.read")  # the profile, read once per request
    with CaptureQueriesContext(connection) as loaded:
        assert may(people[OP], "order.change", unit)
    bare = ProductionUnit.objects.get(pk=unit_a.pk)
    with CaptureQueriesContext(connection) as unloaded:
        assert may(people[OP], "order.change", bare)
    assert len(loaded) == 0 and len(unloaded) == 1


def test_wagtail_s_viewsets_ask_the_same_rules(people):
    policy = policy_registry.get_by_type(ProductionUnit)
    assert isinstance(policy, SeamPermissionPolicy)
    for role, user in people.items():
        assert policy.user_has_permission(user, "add") is (role != OV)
        assert policy.user_has_permission(user, "view")
        assert not policy.user_has_permission(user, "delete")  # no rule: nobody's
    orders = policy_registry.get_by_type(RectificationOrder)
    root = get_user_model().objects.create_superuser("root-policy", password="x")
    assert not orders.user_has_permission(root, "change")  # orders change through their services only
    with pytest.raises(LookupError):
        SeamPermissionPolicy(ProductionUnit, {"view": "console.raed"})


def test_a_platform_administrator_without_a_profile_works_an_order(client, people, unit_a):
    """The order page once asked for a profile before showing a superuser the editor's actions,
    while the plan page did not: both now ask the same rule."""
    order = enforcement.order_issue(actor=people[OP], unit=unit_a, reason="未配备质量安全总监", legal_basis=enforcement.ART_5_17,
                                    source_kind=OrderSource.REGISTER)
    client.force_login(get_user_model().objects.create_superuser("root-orders", password="x"))
    page = client.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert reverse("orders:action", args=[order.pk, "evidence"]) in page
    assert reverse("orders:action", args=[order.pk, "refuse"]) in page


def test_the_overseer_sees_no_editor_action_on_an_order(client_for, people, unit_a):
    order = enforcement.order_issue(actor=people[OP], unit=unit_a, reason="未配备质量安全总监", legal_basis=enforcement.ART_5_17,
                                    source_kind=OrderSource.REGISTER)
    page = client_for(people[OV]).get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert order.number in page
    assert reverse("orders:action", args=[order.pk, "evidence"]) not in page
