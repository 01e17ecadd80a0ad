"""The navigation sidebar: only the entries the signed-in user's roles allow, grouped by app."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from accounts.permissions import can

# (label, url name, action that must be allowed, group). Apps append their entries in ready().
NAV_ITEMS: list[tuple[str, str, str, str | None]] = []


def add_nav_item(label, url_name: str, action: str, group=None) -> None:
    """`group` heads the entry's section; by default the verbose name of the app that the
    url's namespace names ("tickets:list" -> 客诉工单)."""
    NAV_ITEMS.append((label, url_name, action, group))


def _group_of(url_name: str, group):
    if group is not None:
        return group
    namespace = url_name.split(":", 1)[0] if ":" in url_name else ""
    return apps.get_app_config(namespace).verbose_name if namespace else ""


def navigation(request) -> dict:
    # Every template rendered with the request runs this (a page's cards of other apps too):
    # the entries are worked out once per request.
    user = getattr(request, "user", None)
    cached = getattr(request, "_navigation", None)
    if cached is not None and cached[0] is user:  # (signing in or out replaces request.user)
        return cached[1]
    result = _navigation(request)
    request._navigation = (user, result)
    return result


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    items = []
    for label, url_name, action, group in NAV_ITEMS:
        if not can(user, action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False, "group": _group_of(url_name, group)})
    # Only the most specific match is active (/promises/team/ is not also /promises/).
    matches = [i for i in items if request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(str(item["group"]), []).append(item)
    return {"nav_items": items, "nav_groups": list(groups.items())}
