"""The one answer to "may this user do X".

Each app declares its actions once with `register(action, roles)`; views, the API
(`ActionPermission`) and templates (`{% if user|can:"x" %}`) all ask `can()`.
Staff admins may do everything.
"""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .roles import Role

_RULES: dict[str, frozenset[str]] = {}


def register(action: str, roles: Iterable[Role | str]) -> None:
    _RULES[action] = frozenset(str(r) for r in roles)


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


def can(user, action: str) -> bool:
    if action not in _RULES:
        raise KeyError(f"Unknown action {action!r}: register it in the app's permissions module")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(roles_of(user) & _RULES[action])


def rules() -> dict[str, frozenset[str]]:
    return dict(_RULES)


class ActionPermission(BasePermission):
    """DRF permission: `permission_classes = [ActionPermission.for_action("x")]`."""

    action: str = ""

    @classmethod
    def for_action(cls, action: str) -> type["ActionPermission"]:
        return type(f"Can_{action.replace('.', '_')}", (cls,), {"action": action})

    def has_permission(self, request, view) -> bool:
        return can(request.user, self.action)


register("admin.site", [])


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
