"""Which robots an event's notifications go to, and what a robot says.

`plan_robot_deliveries` runs inside `notify()`, in the caller's transaction: one
RobotDelivery per event and robot (shared robots by the recipients' roles, personal robots by
their owner), so a group is told once however many of its people are recipients. The robot's
text is made at send time from the outbox rows it covers (`robot_message`), with the same
rendering the mail used: subject, the "next step" line, the link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Notification, RobotDelivery, RobotWebhook
from .robots import Message


def plan_robot_deliveries(rows: Sequence[Notification]) -> list[int]:
    """Write the robot deliveries of one event's outbox rows; return the ids still to send."""
    if not rows:
        return []
    by_person = {row.recipient_id: row for row in rows}
    robots = [
        robot
        for robot in RobotWebhook.objects.filter(active=True).filter(
            Q(owner__isnull=True) | Q(owner__in=list(by_person))
        )
        if robot.owner_id is not None or robot.roles
    ]
    if not robots:
        return []
    roles_of: dict[int, set[str]] = defaultdict(set)
    if any(robot.owner_id is None for robot in robots):
        for user_id, name in Group.objects.filter(user__in=list(by_person)).values_list("user", "name"):
            roles_of[user_id].add(name)
    event_key = rows[0].key.rsplit(":", 1)[0]  # notify() keys rows "<event_key>:<recipient>"
    pending: list[int] = []
    for robot in robots:
        if robot.owner_id is not None:
            covered = [by_person[robot.owner_id]] if robot.owner_id in by_person else []
        else:
            wanted = set(robot.roles)
            covered = [row for user_id, row in by_person.items() if roles_of[user_id] & wanted]
        if not covered:
            continue
        delivery, _created = RobotDelivery.objects.get_or_create(
            key=f"{event_key[:170]}:robot:{robot.pk}",
            defaults={"robot": robot, "robot_name": str(robot)[:100]},
        )
        delivery.notifications.add(*covered)
        if delivery.status == RobotDelivery.Status.PENDING:
            pending.append(delivery.pk)
    return pending


def source_row(rows: Sequence[Notification]) -> Notification | None:
    """The outbox row whose text the robot posts: a Chinese reader's first (the groups are
    Chinese-speaking), a direct recipient before a cc (`rows` in that order)."""
    for row in rows:
        if row.recipient.language == "zh-hans":
            return row
    return rows[0] if rows else None


def robot_message(delivery: RobotDelivery) -> tuple[Message, str] | None:
    """(message, the link's text): the title, the next-step line (or the body's first line),
    who it is for, and the link; None if the delivery covers no row any more."""
    covered = list(delivery.notifications.select_related("recipient").order_by("cc", "pk"))
    row = source_row(covered)
    if row is None:
        return None
    with translation.override(row.recipient.language or "zh-hans"):
        label = gettext("Next step")
        subject, body = row.shown_subject, row.shown_body  # worded now, in this language
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        step = next((line for line in lines if line.startswith(label)), "")
        if not step:
            # No next-step line (a promise reminder, a message): the body's first sentence that is
            # neither the greeting to the one recipient nor the link.
            name = row.recipient.display_name
            step = next((line for line in lines if name not in line and line != row.link), "")
        people = [r.recipient.display_name for r in covered]
        names = "、".join(people[:8]) + ("…" if len(people) > 8 else "")
        who = gettext("For: %(names)s") % {"names": names}
        open_text = gettext("View details")
    return Message(title=subject, lines=tuple(x for x in (step[:500], who) if x), link=row.link), open_text


ALLOWED_HOSTS = {
    RobotWebhook.Platform.WECOM: ("qyapi.weixin.qq.com",),
    RobotWebhook.Platform.DINGTALK: ("oapi.dingtalk.com",),
    RobotWebhook.Platform.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
}


def robot_url_problem(platform: str, url: str) -> str:
    """Why this address may not be posted to ("" if it may). Only the platforms' own hosts over
    https, and hosts named in NOTIFY_ROBOT_EXTRA_HOSTS (a relay, the tests' local server):
    the server must not be made to POST to any address a user types (SSRF)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port  # raises on "host:99999" or "host:x"
    except ValueError:
        return str(_("This is not a web address."))
    extra = {h.lower() for h in settings.NOTIFY_ROBOT_EXTRA_HOSTS}
    if host in extra and parts.scheme in ("http", "https"):
        return ""
    allowed = ALLOWED_HOSTS.get(platform, ())
    if parts.scheme != "https" or host not in allowed:
        return str(
            _("The webhook address of this platform starts with https://%(host)s/.")
            % {"host": allowed[0] if allowed else "?"}
        )
    if port not in (None, 443) or parts.username or parts.password:
        return str(_("This is not a webhook address of the platform."))
    return ""
