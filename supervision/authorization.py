"""The one authorization decision (DESIGN.md §8): may this user do this to this object?

Every app asks here and nothing else decides: services call `authorize` (it raises the rule's
Chinese refusal), views and viewsets call `may` or wear `requires`, templates get `may`'s answer in
their context, and the Django group permissions Wagtail's own machinery reads (menus, the generic
viewsets' add/edit/delete buttons, the admin's login) are a projection of the same table
(`role_grants`, synced to the groups by `roles.roles_sync`). The endpoint walk
(`tests/test_admin_endpoint_walk.py`) asserts this module's answer for every console URL and role.

A rule is role × jurisdiction × (where the law or a duty separation says so) the object:

- **role**: the staff roles allowed (`StaffRole`). A platform administrator (an active superuser)
  is allowed everything unless the rule says otherwise (a whole ID number: PIPL Art. 28).
- **jurisdiction**: with an object, it must lie in the user's subtree (DESIGN.md §5); `own_bureau`
  narrows that to the user's own bureau (a plan is approved by its own bureau's approvers).
- **object**: `conditions`, each a predicate with its own refusal (the drafter of a plan does not
  approve it).
- **system**: whether the platform itself may act without a user (the command line, the demo's
  seed, the periodic commands pass `actor=None`).

Why hand-written rather than `rules` or django-guardian: the decision is a small table over one
role field and one tree path, which neither library models better; Wagtail's permission policies
stay the interface Wagtail's views ask (through the group permissions projected from here), and
the page tree keeps Wagtail's own page permissions, granted per bureau subtree by `roles`.

Apps add their rules from their `ready()` (`register_rules`), so the lower layer never imports the
upper one; every action is named `thing.verb`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import StaffRole
from .scoping import staff_profile_of

EVERYONE = frozenset(StaffRole.values)
EDITORS = frozenset({StaffRole.OPERATOR, StaffRole.APPROVER, StaffRole.ADMIN})  # overseers read (DESIGN.md §1)
APPROVERS = frozenset({StaffRole.APPROVER, StaffRole.ADMIN})
ADMINS = frozenset({StaffRole.ADMIN})
PLATFORM_ONLY: frozenset[str] = frozenset()  # superusers only


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    denied: str  # the refusal, in the user's language
    own_bureau: bool = False
    system: bool = False
    platform_admin: bool = True
    conditions: tuple[tuple[Callable, str], ...] = ()
    # False where the conditions themselves place the user: an inspector drawn from the city's
    # other counties (the widened pool) records the inspection they were drawn for, not the county's others.
    scoped: bool = True
    # The Django permissions this rule gives its roles' groups, for Wagtail's own views and menus.
    grants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


_RULES: dict[str, Rule] = {}


def register_rules(rules: dict[str, Rule]) -> None:
    for action, rule in rules.items():
        if action in _RULES and _RULES[action] != rule:
            raise ValueError(f"authorization rule {action!r} registered twice with different rules")
        _RULES[action] = rule


def rule_for(action: str) -> Rule:
    try:
        return _RULES[action]
    except KeyError:
        raise LookupError(f"no authorization rule named {action!r}") from None


def actions() -> list[str]:
    return sorted(_RULES)


def _placed(obj, own, *, exact: bool) -> bool:
    """Whether `obj` lies in the subtree of the jurisdiction `own` (`exact`: in `own` itself),
    along its model's `scope_path_lookup`: from the relations already loaded when they are, else
    with one query."""
    model = type(obj)
    lookup = model.scope_path_lookup
    parts = lookup.split("__")[:-1]
    target = obj
    for part in parts:
        if not type(target)._meta.get_field(part).is_cached(target):
            target = None
            break
        target = getattr(target, part)
    if target is not None:
        return target.pk == own.pk if exact else target.path.startswith(own.path)
    if obj.pk is None:
        return False
    found = model._default_manager.filter(pk=obj.pk)
    if exact:
        return found.filter(**{"__".join(parts): own} if parts else {"pk": own.pk}).exists()
    return found.filter(**{f"{lookup}__startswith": own.path}).exists()


def decide(user, action: str, obj=None) -> Decision:
    rule = rule_for(action)
    if user is None:
        return Decision(rule.system, "" if rule.system else str(rule.denied))
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return Decision(False, str(rule.denied))
    if user.is_superuser:
        if not rule.platform_admin:
            return Decision(False, str(rule.denied))
    else:
        profile = staff_profile_of(user)
        if profile is None or profile.role not in rule.roles:
            return Decision(False, str(rule.denied))
        if rule.scoped and obj is not None and hasattr(type(obj), "scope_path_lookup"):
            if not _placed(obj, profile.jurisdiction, exact=rule.own_bureau):
                return Decision(False, str(rule.denied))
    if obj is not None:
        for predicate, refusal in rule.conditions:
            if not predicate(user, obj):
                return Decision(False, str(refusal))
    return Decision(True)


def may(user, action: str, obj=None) -> bool:
    return decide(user, action, obj).allowed


def authorize(actor, action: str, obj=None) -> None:
    """For services: raise PermissionDenied with the rule's refusal unless `actor` may."""
    decision = decide(actor, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def requires(action: str, *, hidden: bool = False):
    """A console view that only users allowed `action` reach: refused otherwise (the admin shows
    the refusal and goes home), or a 404 where the view's answer to a refused user has always been
    "no such thing" (`hidden`). The object, where there is one, is found in scope by the view itself,
    a 404 outside it. The walk reads `view.authorization` to assert the decision for every role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if hidden and not may(request.user, action):
                raise Http404
            authorize(request.user, action)
            return view(request, *args, **kwargs)

        wrapped.authorization = action
        return wrapped

    return decorator


class SeamPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's permission policy for a console model, answered here: each of Wagtail's own
    actions on the model (view, add, change, delete, ...) is one rule, and an action the map leaves
    out is nobody's (orders change only through their services, the division tree only from its
    file). Wagtail's viewsets, menus and buttons ask the policy, so they ask this module. Listing who
    holds a permission (`users_with_permission`, for Wagtail's own notifications) still reads the
    group permissions, which `role_grants` projects from the same rules."""

    def __init__(self, model, actions: dict[str, str]):
        super().__init__(model)
        for rule in actions.values():
            rule_for(rule)  # a typo is an error at start-up, not a silent refusal
        self.actions = dict(actions)

    def user_has_permission(self, user, action):
        rule = self.actions.get(action)
        return rule is not None and may(user, rule)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        rule = self.actions.get(action)
        return rule is not None and may(user, rule, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)


def register_model_actions(model, actions: dict[str, str]) -> None:
    """The rule behind each of Wagtail's actions on `model` (see `SeamPermissionPolicy`)."""
    register_permission_policy(model, SeamPermissionPolicy(model, actions), exact_class=True)


def role_grants(role: str) -> list[str]:
    """The Django permissions of a role's group: every grant of every rule the role holds."""
    grants: list[str] = []
    for rule in _RULES.values():
        if role in rule.roles:
            grants.extend(g for g in rule.grants if g not in grants)
    return grants


# --- supervision's rules ------------------------------------------------------------------------

_REGISTER_READ = (
    "wagtailadmin.access_admin",
    "supervision.view_jurisdiction", "supervision.view_staffprofile", "supervision.view_productionunit",
    "supervision.view_qualification", "supervision.view_person", "supervision.view_importjob",
    "supervision.view_productcategory", "supervision.view_rectificationorder", "supervision.view_penaltydecision",
    "supervision.view_bureaulegalsettings",
)

register_rules({
    "console.read": Rule(EVERYONE, _("You are not allowed to do this."), grants=_REGISTER_READ),
    # Overseers (上级监督) read their subtree and change nothing, whatever a group was given.
    "console.edit": Rule(EDITORS, _("Overseers read; they do not change anything."), system=True),
    "register.change": Rule(EDITORS, _("You are not allowed to do this."), system=True, grants=(
        "supervision.add_productionunit", "supervision.change_productionunit", "supervision.add_qualification",
        "supervision.change_qualification", "supervision.delete_qualification", "supervision.add_person", "supervision.change_person",
    )),
    # The division tree follows the GB/T 2260 file; a platform administrator corrects a name.
    "jurisdiction.change": Rule(PLATFORM_ONLY, _("You are not allowed to do this.")),
    # The generic forms' deletes (a record nothing refers to: the delete view refuses the rest)
    # and the generic person form are the platform administrator's repair tools, not a role's.
    "records.manage": Rule(PLATFORM_ONLY, _("You are not allowed to do this.")),
    "register.import": Rule(EDITORS, _("You are not allowed to import the register."), grants=("supervision.add_importjob",)),
    # PIPL Art. 28 (minimum necessary): only the unit's own county's staff see a whole ID number.
    "person.reveal_id": Rule(EDITORS, _("Only staff of the unit's own county can see a whole ID number."),
                             own_bureau=True, platform_admin=False),
    "categories.change": Rule(ADMINS, _("You are not allowed to do this."), grants=(
        "supervision.add_productcategory", "supervision.change_productcategory")),
    "staff.manage": Rule(ADMINS, _("You are not allowed to manage staff."), system=True, grants=(
        "supervision.add_staffprofile", "supervision.change_staffprofile")),
    "two_factor.reset": Rule(ADMINS, _("Only a bureau administrator resets two-factor authentication.")),
    "legal_settings.change": Rule(ADMINS, _("You are not allowed to do this."), system=True, grants=(
        "supervision.add_bureaulegalsettings", "supervision.change_bureaulegalsettings")),
    # Orders, evidence, verification, prior notices, statements and hearings: the bureau's officers.
    "order.change": Rule(EDITORS, _("You are not allowed to do this."), system=True, grants=(
        "supervision.add_rectificationorder", "supervision.change_rectificationorder")),
    # 行政处罚法 Art. 57: the decision is the bureau's; its approvers (审核人) decide and sign it.
    "penalty.decide": Rule(APPROVERS, _("Only an approver decides penalties.")),
    # 行政处罚法 Art. 85: the State Council's holiday schedule is national reference data.
    "holiday_schedule.change": Rule(PLATFORM_ONLY, _("Only a platform administrator enters the holiday schedule.")),
    # Issue 18: an event follows an action its own service authorized in its own scope (an inspector
    # drawn from a neighbouring county completes the unit's record), so no subtree here.
    "credit.record": Rule(EDITORS, _("You are not allowed to do this."), system=True, scoped=False),
    # The credit rules are one table for the province (classes compared across counties): its approvers decide.
    "credit_rules.change": Rule(APPROVERS, _("Only an approver changes the credit rules.")),
    # 行政处罚信息公示 (SAMR Order 45): the bureau's officers draft a fine's disclosure and record a
    # unit's application for credit repair; the page goes live through the approvers' workflow.
    "disclosure.draft": Rule(EDITORS, _("You are not allowed to do this."), system=True),
    # Stopping a disclosure (its period ended, credit repaired, the decision changed) is the bureau's
    # decision, as the penalty was: its approvers.
    "disclosure.withdraw": Rule(APPROVERS, _("Only an approver withdraws a disclosure or decides on credit repair."), system=True),
})


__all__ = [
    "ADMINS", "APPROVERS", "EDITORS", "EVERYONE", "PLATFORM_ONLY", "Decision", "Rule", "actions", "authorize",
    "SeamPermissionPolicy", "decide", "may", "register_model_actions", "register_rules", "requires", "role_grants",
    "rule_for",
]
