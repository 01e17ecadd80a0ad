"""The navigation bar: only the entries the signed-in user's roles allow."""

from django.urls import NoReverseMatch, reverse

from .permissions import can

# (label, url name, action that must be allowed). Apps append their entries in ready().
NAV_ITEMS: list[tuple[str, str, str]] = []


def add_nav_item(label, url_name: str, action: str) -> None:
    NAV_ITEMS.append((label, url_name, action))


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, action in NAV_ITEMS:
        if not can(user, action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
