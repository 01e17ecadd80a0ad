from django.db.models import QuerySet

from .models import ReplyTemplate
from .placeholders import fill

# The uses shown on a complaint's page, in the order of its life.
TICKET_USES = [ReplyTemplate.Use.INTAKE, ReplyTemplate.Use.PROGRESS, ReplyTemplate.Use.FOLLOW_UP]


def active_templates(uses=TICKET_USES) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(active=True, use__in=uses)


def replies_for(record, user, uses=TICKET_USES) -> list[dict]:
    """The active templates for these uses, each filled from the record (one query, plus the
    record's open promise for {回电时间})."""
    return filled(list(active_templates(uses)), record, user, uses)


def filled(rows: list[ReplyTemplate], record, user, uses=TICKET_USES) -> list[dict]:
    """active_templates' rows in the page's order, each filled from the record."""
    rows.sort(key=lambda t: (uses.index(t.use), t.title))
    return [{"template": t, "text": fill(t.body, record, user)} for t in rows]
