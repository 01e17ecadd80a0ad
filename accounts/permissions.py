"""The one answer to "may this user do X" (and "may this user do X to this record").

Each app declares its actions once in its permissions module with
`register(action, roles, rule=...)`: the roles that may take the action at all, and, for
actions on one record, the object rule (a `rules` predicate) that says on which records:
the owner of a promise, the service lead of a ticket, a manager still due to sign.
Services, views, the API (`ActionPermission`) and templates (`{% if user|can:"x" %}`,
`{% can_do user "x" obj as ok %}`) all ask `can(user, action, obj)`, and the services ask
before they change anything, so a page, the API and the admin cannot disagree.

Staff admins pass every role rule; an object rule says itself whether they pass it
too (`is_admin | ...`): an admin may edit anyone's objection, but closes a promise
only as its owner's manager, as everyone else.
"""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rules import Predicate, predicate
from rules.permissions import has_perm, set_perm

from .roles import Role

_RULES: dict[str, frozenset[str]] = {}
# The actions with a rule on the record; `rules`' permission set holds "role rule & object
# rule" under the action's name, so `user.has_perm(action, obj)` (ObjectPermissionBackend)
# gives the same answer as can().
_OBJECT_RULES: dict[str, Predicate] = {}


def register(action: str, roles: Iterable[Role | str], *, rule: Predicate | None = None) -> None:
    _RULES[action] = frozenset(str(r) for r in roles)
    role_rule = holds_role_for(action)
    if rule is None:
        _OBJECT_RULES.pop(action, None)
        set_perm(action, role_rule)
    else:
        _OBJECT_RULES[action] = rule
        # Asked without a record (user.has_perm(action)), the role rule alone answers, as in can().
        set_perm(action, role_rule & (_no_record | rule))


def roles_of(user) -> frozenset[str]:
    """The role slugs a user holds, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_cache = cached
    return cached


def has_role(user, *roles: Role | str) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


def can(user, action: str, obj=None) -> bool:
    """Without `obj`: may the user take this action at all (their roles). With `obj`: may
    they take it on this record (their roles and the action's object rule, if it has one)."""
    if action not in _RULES:
        raise KeyError(f"Unknown action {action!r}: register it in the app's permissions module")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.is_staff or roles_of(user) & _RULES[action]):
        return False
    if obj is None or action not in _OBJECT_RULES:
        return True
    return has_perm(action, user, obj)


def holds_role_for(action: str) -> Predicate:
    """The action's role rule as a predicate on the user alone, to compose object rules
    with (e.g. "the owner, or anyone whose role reads every objection")."""
    return Predicate(lambda user: can(user, action), name=f"role:{action}")


@predicate
def _no_record(user, obj) -> bool:
    return obj is None


@predicate
def is_admin(user) -> bool:
    return bool(user.is_superuser or user.is_staff)


def rules() -> dict[str, frozenset[str]]:
    return dict(_RULES)


def object_rules() -> dict[str, Predicate]:
    """The actions that have a rule on the record, with that rule."""
    return dict(_OBJECT_RULES)


class ActionPermission(BasePermission):
    """DRF permission: `permission_classes = [ActionPermission.for_action("x")]`."""

    action: str = ""

    @classmethod
    def for_action(cls, action: str) -> type["ActionPermission"]:
        return type(f"Can_{action.replace('.', '_')}", (cls,), {"action": action})

    def has_permission(self, request, view) -> bool:
        return can(request.user, self.action)

    def has_object_permission(self, request, view, obj) -> bool:
        return can(request.user, self.action, obj)


register("admin.site", [])


class ObjectRuleAdmin:
    """ModelAdmin mixin: the admin changes or deletes a record only where the object rule
    of `change_action` / `delete_action` allows it (on top of Django's model permissions),
    so the admin is no back door around the rules the pages keep."""

    change_action: str = ""
    delete_action: str = ""

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self.change_action:
            return can(request.user, self.change_action, obj)
        return allowed

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and self.delete_action:
            return can(request.user, self.delete_action, obj)
        return allowed


def action_required(action: str):
    """View decorator: sign-in required, then `can(user, action)` or HTTP 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
