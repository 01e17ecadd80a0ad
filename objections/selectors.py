"""Reads: who may see which objections, the customer timeline, the playbook and the trends.

Pages and API use the same querysets here, so a URL typed by hand finds nothing the
list would not have shown.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from masterdata.models import Customer
from ui.dashboard import DashboardCard
from ui.timeline import TimelineEntry

from .models import Objection, ObjectionType, QuietContact
from .permissions import editable_filter, quiet_filter, visible_filter

Outcome = Objection.Outcome
SUCCESS = (Outcome.WON, Outcome.RESOLVED)


def _base() -> QuerySet[Objection]:
    return Objection.objects.select_related("owner", "customer", "prospect", "type")


def objections_visible_to(user: User) -> QuerySet[Objection]:
    """A salesperson sees their own; the sales manager (and staff) everyone's; others none
    (the "objections.view" rule, as a filter: permissions.visible_filter)."""
    if not can(user, "objections.view"):
        return Objection.objects.none()
    return _base().filter(visible_filter(user))


def objections_editable_by(user: User) -> QuerySet[Objection]:
    """Only the salesperson who logged it edits it; the manager reads, and coaches
    (the "objections.edit" rule, as a filter: permissions.editable_filter)."""
    if not can(user, "objections.edit"):
        return Objection.objects.none()
    return _base().filter(editable_filter(user))


def quiet_contacts_visible_to(user: User) -> QuerySet[QuietContact]:
    """Customers who raised no objection: a salesperson's own; the sales manager's, everyone's
    (the "objections.quiet_edit" rule, as a filter: permissions.quiet_filter)."""
    if not can(user, "objections.quiet_edit"):
        return QuietContact.objects.none()
    return QuietContact.objects.select_related("owner", "customer", "prospect").filter(quiet_filter(user))


def quiet_matching(user: User, filters: dict) -> QuerySet[QuietContact]:
    """The quiet contacts under the trends filters that apply to them (salesperson, customer,
    stage, logged from/to); a quiet contact has no objection type, so the type filter does not."""
    quiet = quiet_contacts_visible_to(user)
    for key, lookup in (
        ("owner", "owner"),
        ("customer", "customer"),
        ("stage", "stage"),
        ("logged_from", "created_at__date__gte"),
        ("logged_to", "created_at__date__lte"),
    ):
        if filters.get(key):
            quiet = quiet.filter(**{lookup: filters[key]})
    return quiet


def can_open(user: User, objection: Objection) -> bool:
    return can(user, "objections.view", objection)


def customer_objections(*, customer: Customer, user: User) -> QuerySet[Objection]:
    """Every role reads a customer's objections (read-only) on the customer history."""
    if not can(user, "objections.customer_history"):
        return Objection.objects.none()
    return _base().filter(customer=customer)


def customer_timeline_entries(customer: Customer, user: User) -> list[TimelineEntry]:
    """The objections provider for ui.timeline."""
    entries = []
    for o in customer_objections(customer=customer, user=user):
        body = f"“{o.words}”"
        if o.response:
            body += f" → {o.response}"
        entries.append(
            TimelineEntry(
                when=o.created_at,
                kind="objection",
                title=f"{o.type.label} · {o.get_stage_display()} · {o.owner.display_name}",
                url=o.get_absolute_url() if can_open(user, o) else "",
                body=body,
                badges=(o.get_genuineness_display(), o.get_outcome_display()),
            )
        )
    return entries


# --- playbook ---------------------------------------------------------------------------


def playbook_min_cases() -> int:
    return settings.PLAYBOOK_MIN_CASES


@dataclass
class PlaybookRow:
    technique: str
    label: str
    cases: int
    won: int
    resolved: int
    lost: int
    examples: list[str] = field(default_factory=list)

    @property
    def success_rate(self) -> float:
        return (self.won + self.resolved) / self.cases if self.cases else 0.0

    @property
    def success_percent(self) -> int:
        return round(self.success_rate * 100)


@dataclass
class Lesson:
    """What a lost objection taught the salesperson (§1 "learn from rejection")."""

    text: str
    owner_name: str
    date: datetime.date | None  # the day it was lost


@dataclass
class PlaybookSection:
    type: ObjectionType
    rows: list[PlaybookRow]  # only responses with enough closed cases, best first
    thin_responses: int  # responses left out: too few cases to mean anything yet
    thin_cases: int
    lessons: list[Lesson] = field(default_factory=list)  # the latest lessons of lost ones
    # The responses with too few cases to rate, with their answers that worked: shown apart,
    # unranked, so a new type's first good answers are there to learn from.
    unrated: list[PlaybookRow] = field(default_factory=list)


def _counts() -> dict:
    return {
        "cases": Count("id"),
        "won": Count("id", filter=Q(outcome=Outcome.WON)),
        "resolved": Count("id", filter=Q(outcome=Outcome.RESOLVED)),
        "lost": Count("id", filter=Q(outcome=Outcome.LOST)),
    }


def playbook(
    *, min_cases: int | None = None, type_code: str = "", examples: int = 3, lessons: int = 3
) -> list[PlaybookSection]:
    """Per objection type, the response techniques with their closed outcomes, best first.

    A case is a closed objection (won, resolved or lost). Success = won or resolved.
    Techniques with fewer than `min_cases` cases are left out (and counted) because a
    rate over two or three cases says nothing.
    """
    min_cases = playbook_min_cases() if min_cases is None else min_cases
    labels = dict(Objection.Technique.choices)
    closed = Objection.objects.exclude(outcome=Outcome.PENDING)
    if type_code:
        closed = closed.filter(type__code=type_code)
    grouped: dict[int, list[PlaybookRow]] = {}
    for row in closed.values("type", "technique").annotate(**_counts()).order_by():
        grouped.setdefault(row["type"], []).append(
            PlaybookRow(
                technique=row["technique"],
                label=str(labels.get(row["technique"], row["technique"])),
                cases=row["cases"],
                won=row["won"],
                resolved=row["resolved"],
                lost=row["lost"],
            )
        )
    shown = {
        type_id: sorted(
            (r for r in rows if r.cases >= min_cases), key=lambda r: (-r.success_rate, -r.cases, r.label)
        )
        for type_id, rows in grouped.items()
    }
    # The latest answers that worked, a few per (type, technique), in one query.
    if examples:
        ranked = (
            closed.filter(outcome__in=SUCCESS)
            .exclude(response="")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("type"), F("technique")],
                    order_by=[F("outcome_date").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=examples * 3)  # room to skip repeats of the same answer
            .order_by("type", "technique", "rank")
            .values_list("type", "technique", "response")
        )
        rows_by_key = {(t, r.technique): r for t, rows in grouped.items() for r in rows}
        for type_id, technique, response in ranked:
            row = rows_by_key.get((type_id, technique))
            if row is not None and len(row.examples) < examples and response not in row.examples:
                row.examples.append(response)
    # The latest lessons of lost objections, a few per type, in one query.
    lessons_by_type: dict[int, list[Lesson]] = {}
    if lessons:
        ranked_lessons = (
            closed.filter(outcome=Outcome.LOST)
            .exclude(lesson="")
            .select_related("owner")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("type")],
                    order_by=[F("outcome_date").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=lessons)
            .order_by("type", "rank")
        )
        for o in ranked_lessons:
            lessons_by_type.setdefault(o.type_id, []).append(
                Lesson(text=o.lesson, owner_name=o.owner.display_name, date=o.outcome_date)
            )
    sections = []
    for objection_type in ObjectionType.objects.filter(pk__in=grouped):
        thin = sorted(
            (r for r in grouped[objection_type.pk] if r.cases < min_cases), key=lambda r: (-r.cases, r.label)
        )
        sections.append(
            PlaybookSection(
                type=objection_type,
                rows=shown[objection_type.pk],
                thin_responses=len(thin),
                thin_cases=sum(r.cases for r in thin),
                lessons=lessons_by_type.get(objection_type.pk, []),
                unrated=thin,
            )
        )
    return sections


# --- trends -----------------------------------------------------------------------------


def _rate(won: int, closed: int) -> float | None:
    return round(won / closed, 4) if closed else None


def trends(*, objections: QuerySet[Objection], quiet: QuerySet[QuietContact] | None = None) -> dict:
    """Counts by type, stage and month, and the win rate once an objection was raised.

    Win rate = won / closed (won + resolved + lost); pending objections are not counted
    in the rate, since their end is not known yet. With `quiet` (customers who raised no
    objection), also how often that happens and how those sales end ("quiet").
    """
    counts = {
        "count": Count("id"),
        "won": Count("id", filter=Q(outcome=Outcome.WON)),
        "closed": Count("id", filter=~Q(outcome=Outcome.PENDING)),
    }

    def finish(row: dict) -> dict:
        return {**row, "win_rate": _rate(row["won"], row["closed"])}

    types = {t.pk: t for t in ObjectionType.objects.all()}
    by_type = [
        finish({"code": types[r["type"]].code, "label": types[r["type"]].label, **_only(r)})
        for r in objections.values("type").annotate(**counts).order_by()
    ]
    by_type.sort(key=lambda r: (-r["count"], types_order(types, r["code"])))
    stage_labels = dict(Objection.Stage.choices)
    stage_rows = {r["stage"]: r for r in objections.values("stage").annotate(**counts).order_by()}
    by_stage = [
        finish({"code": code, "label": str(stage_labels[code]), **_only(stage_rows[code])})
        for code in Objection.Stage.values
        if code in stage_rows
    ]
    by_month = [
        finish({"month": r["month"].strftime("%Y-%m"), **_only(r)})
        for r in objections.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    ]
    # One scan for the totals of both sections: how objections end, and (quiet) how they
    # compare with the sales where none was raised.
    total = objections.aggregate(
        **counts,
        lost=Count("id", filter=Q(outcome=Outcome.LOST)),
        pending=Count("id", filter=Q(outcome=Outcome.PENDING)),
        resolved=Count("id", filter=Q(outcome=Outcome.RESOLVED)),
    )
    result = {
        "total": finish({key: total[key] for key in counts}),
        "by_type": by_type,
        "by_stage": by_stage,
        "by_month": by_month,
    }
    if quiet is not None:
        result["quiet"] = _quiet_trends(total, quiet, by_month)
    return result


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _quiet_trends(totals: dict, quiet: QuerySet[QuietContact], by_month: list) -> dict:
    """§1-三.5: how often a contact ends with no objection at all, and how those sales end,
    beside the sales where an objection was raised.

    Share = quiet contacts ÷ (quiet contacts + objections logged) in the month. Win rate =
    won ÷ (won + lost) for quiet contacts, and won ÷ closed for objections as above.
    """
    ends = {
        "count": Count("id"),
        "won": Count("id", filter=Q(outcome=Outcome.WON)),
        "lost": Count("id", filter=Q(outcome=Outcome.LOST)),
        "pending": Count("id", filter=Q(outcome=Outcome.PENDING)),
    }
    quiet_total = quiet.aggregate(**ends)
    raised = {key: totals[key] for key in ("count", "won", "lost", "pending", "resolved")}
    quiet_months = {
        r["month"].strftime("%Y-%m"): r["count"]
        for r in quiet.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by()
    }
    objection_months = {r["month"]: r["count"] for r in by_month}
    months = []
    for month in sorted(set(quiet_months) | set(objection_months)):
        q, o = quiet_months.get(month, 0), objection_months.get(month, 0)
        months.append({"month": month, "quiet": q, "objections": o, "share": _share(q, q + o)})
    raised_closed = raised["won"] + raised["resolved"] + raised["lost"]
    return {
        "total": {
            **quiet_total,
            "closed": quiet_total["won"] + quiet_total["lost"],
            "win_rate": _rate(quiet_total["won"], quiet_total["won"] + quiet_total["lost"]),
            "share": _share(quiet_total["count"], quiet_total["count"] + raised["count"]),
        },
        "with_objection": {
            **raised,
            "closed": raised_closed,
            "win_rate": _rate(raised["won"], raised_closed),
        },
        "by_month": months,
    }


def _only(row: dict) -> dict:
    return {k: row[k] for k in ("count", "won", "closed")}


def types_order(types: dict, code: str) -> int:
    return next((t.sort_order for t in types.values() if t.code == code), 0)


def pending_objections_card(user: User):
    """Home-page card for sales: my objections still without an outcome."""
    if not can(user, "objections.log"):
        return None
    pending = Objection.objects.filter(owner=user, outcome=Objection.Outcome.PENDING).count()
    return DashboardCard(title=_("My pending objections"), count=pending, url=reverse("objections:mine"))
