"""The navigation bar: only the entries the signed-in user's roles allow."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

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
        items.append({"label": label, "url": url, "active": False})
    # Only the most specific match is active (/promises/team/ is not also /promises/).
    matches = [i for i in items if request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}


class NotificationMenu:
    """The header's bell: queried only when a template actually shows it."""

    LIMIT = 8

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        from .selectors import unread_count

        return unread_count(self.user)

    @cached_property
    def latest(self) -> list:
        from .selectors import notifications_for

        return list(notifications_for(self.user).only("id", "subject", "created_at", "read_at")[: self.LIMIT])


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_menu": NotificationMenu(user)}
