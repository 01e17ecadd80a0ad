"""The ticket page reads a realistic ticket (a timeline of a dozen entries, watchers, a
disposition form, photos, a filed document, a promise) in a fixed, small number of queries,
for the reader and for a manager with actions, and still shows all of it."""

import datetime
import re
import uuid
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notify.models import Notification
from promises.services import commitment_create
from tests.tickets.factories import image
from tickets import selectors, services
from tickets.models import Event, State, Ticket, Watcher
from ui import batch
from ui.batch import fetch, fetch_together, prepared, prepared_rows

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Session, user, roles, the ticket, its records and the cards together, who it waits for,
# the bell, and room for the cards' follow-ups (a dispute's vouchers, a mail's files).
MAX_QUERIES = 12


def realistic(client, people, new_ticket, walk, until: str) -> Ticket:
    ticket = walk(new_ticket(photos=[image("裂纹.jpg")]), until)
    for user in (people.qc, people.pm):
        services.ticket_watch(ticket=ticket, by=user)
    for i in range(5):
        services.note_add(ticket=ticket, by=people.qc, text=f"电话回访记录 {i}")
    commitment_create(
        owner=people.sales,
        by=people.sales,
        description="明天上午回电告知处理进度",
        due_at=timezone.now() + datetime.timedelta(days=1),
        customer=ticket.customer,
        source=ticket,
    )
    client.force_login(people.lead)
    client.post(
        reverse("documents:attach", args=["ticket", ticket.pk]),
        {"kind": "signed_form", "file": SimpleUploadedFile("处置单.pdf", PDF)},
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.events.count() >= 10
    return ticket


@pytest.mark.parametrize(
    ("until", "who"),
    [
        (State.CONFIRMING, "qc"),  # reads
        (State.CONFIRMING, "pm"),  # signs: the sign-off form
        (State.IN_SERVICE, "lead"),  # works: progress, disposition form, purchases
        (State.ARCHIVED, "sales"),  # follows up
    ],
)
def test_ticket_page_reads_a_realistic_ticket_in_few_queries(client, people, new_ticket, walk, until, who):
    ticket = realistic(client, people, new_ticket, walk, until)
    client.force_login(getattr(people, who))
    client.get(ticket.get_absolute_url())  # the first view makes the tracking link's secret
    with CaptureQueriesContext(connection) as queries:
        body = client.get(ticket.get_absolute_url()).content.decode()
    if connection.vendor == "postgresql":  # elsewhere the reads run one by one (ui.batch)
        assert len(queries.captured_queries) <= MAX_QUERIES, "\n".join(
            q["sql"][:200] for q in queries.captured_queries
        )
    assert "裂纹.jpg" in body or "/tickets/photos/" in body  # the photo
    assert "处置单.pdf" in body  # the filed document
    assert "明天上午回电告知处理进度" in body  # the promise
    assert "电话回访记录 4" in body  # the timeline
    assert people.qc.display_name in body and people.pm.display_name in body  # watchers
    if until != State.IN_SERVICE:
        assert reverse("tickets:disposition", args=[ticket.number]) in body


@pytest.mark.postgres
def test_the_page_reads_together_what_they_read_alone(client, people, new_ticket, walk):
    """On PostgreSQL the page's reads go in one statement: the rows are the same objects,
    values and related records as when each queryset runs by itself."""
    assert connection.vendor == "postgresql"
    ticket = realistic(client, people, new_ticket, walk, State.ARCHIVED)
    reads = selectors._page_reads(ticket)
    together = fetch_together(reads)
    for name, qs in selectors._page_reads(ticket).items():
        alone = list(qs)
        assert [vars_of(r) for r in together[name]] == [vars_of(r) for r in alone], name
    assert together["events"] and together["dispositions"] and together["watchers"]


def vars_of(row) -> dict:
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    related = {name: vars_of(obj) for name, obj in row._state.fields_cache.items() if obj is not None}
    return {**values, "related": related}


@pytest.mark.postgres
def test_reading_together_keeps_json_numbers_and_money_exact(people, new_ticket):
    """JSON comes back through json_agg: a float inside a JSON field stays that float (not a
    Decimal the field cannot store again), and money keeps its exact fen."""
    ticket = new_ticket()
    event = ticket.events.first()
    event.params = {"hours": 1.5, "share": 0.1, "n": 3, "nested": [2.25, {"x": 0.3}]}
    event.save(update_fields=["params"])
    together = fetch_together(
        {
            "events": ticket.events.filter(pk=event.pk),
            "tickets": Ticket.objects.filter(pk=ticket.pk),
        }
    )
    assert together["events"][0].params == {"hours": 1.5, "share": 0.1, "n": 3, "nested": [2.25, {"x": 0.3}]}
    assert type(together["events"][0].params["share"]) is float


# -- prepared reads (ui.batch.prepared): SQL compiled once per process ------------------------


@contextmanager
def compiled_sql():
    """The SQL of every queryset compiled meanwhile."""
    seen = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        sql, params = original(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    with patch.object(SQLCompiler, "as_sql", as_sql):
        yield seen


def _events(ticket):
    return Event.objects.filter(ticket=ticket).select_related("actor").order_by("seq")


def _watchers(ticket):
    return Watcher.objects.filter(ticket=ticket).select_related("user").order_by("created_at")


@pytest.mark.postgres
def test_a_prepared_read_gives_each_ticket_its_own_rows_from_sql_compiled_once(people, new_ticket, settings):
    settings.BATCH_VERIFY_SHAPES = False  # (on in the tests: it compiles every read once more)
    first, second = new_ticket(), new_ticket()
    services.note_add(ticket=second, by=people.qc, text="只记在第二张工单上")
    services.ticket_watch(ticket=second, by=people.pm)
    keys = (("test-events", uuid.uuid4()), ("test-watchers", uuid.uuid4()))

    def reads(ticket):
        return {
            "events": prepared(keys[0], _events, ticket),
            "watchers": prepared(keys[1], _watchers, ticket),
        }

    with compiled_sql() as compiled:
        rows_first = fetch_together(reads(first))
    assert len(compiled) == 2  # the two shapes, from stand-in tickets
    with compiled_sql() as compiled:
        rows_second = fetch_together(reads(second))
    assert compiled == []
    for ticket, rows in ((first, rows_first), (second, rows_second)):
        assert [vars_of(r) for r in rows["events"]] == [vars_of(r) for r in _events(ticket)]
        assert [vars_of(r) for r in rows["watchers"]] == [vars_of(r) for r in _watchers(ticket)]
    assert "只记在第二张工单上" in [e.text for e in rows_second["events"]]
    assert rows_first["watchers"] == [] and [w.user for w in rows_second["watchers"]] == [people.pm]


@pytest.mark.postgres
def test_a_prepared_read_whose_sql_depends_on_its_values_fails_the_tests(new_ticket):
    ticket = new_ticket()

    def build(number: str):  # against the rule: what it filters on depends on the value
        tickets = Ticket.objects.filter(number=number)
        return tickets if number[:1].isalnum() else tickets.filter(safety=True)

    with pytest.raises(AssertionError, match="makes other SQL than its shape"):
        fetch(prepared(("test-depends", uuid.uuid4()), build, ticket.number))


@pytest.mark.postgres
def test_a_value_folded_into_a_pattern_is_compiled_every_time(new_ticket):
    ticket = new_ticket()
    key = ("test-pattern", uuid.uuid4())
    found = fetch(prepared(key, lambda part: Ticket.objects.filter(number__contains=part), ticket.number[2:]))
    assert found == [ticket]
    assert batch._SHAPES[(key, "default")] is None  # the pattern '%…%' is not the value itself


@pytest.mark.postgres
@pytest.mark.parametrize("who", ["qc", "pm"])
def test_a_second_view_of_the_ticket_page_compiles_none_of_its_reads(
    client, people, new_ticket, walk, settings, who
):
    settings.BATCH_VERIFY_SHAPES = False
    ticket = realistic(client, people, new_ticket, walk, State.CONFIRMING)
    assert Notification.objects.filter(recipient=getattr(people, who)).exists()  # the bell's records too
    client.force_login(getattr(people, who))
    client.get(ticket.get_absolute_url())
    with compiled_sql() as compiled:
        body = client.get(ticket.get_absolute_url()).content.decode()
    tables = {re.search(r'FROM "(\w+)"', sql).group(1) for sql in compiled}
    assert tables <= {"django_session", "core_user", "auth_group"}, tables  # the sign-in's own
    assert "电话回访记录 4" in body and "处置单.pdf" in body and "明天上午回电告知处理进度" in body


def _watching(ticket):  # through the related manager: the rows know their ticket
    return ticket.watchers.select_related("user").order_by("created_at")


@pytest.mark.postgres
def test_rows_read_without_building_their_queryset_are_the_reads_own(people, new_ticket, settings):
    settings.BATCH_VERIFY_SHAPES = False
    first, second = new_ticket(), new_ticket()
    services.ticket_watch(ticket=second, by=people.pm)
    key = ("test-rows", uuid.uuid4())
    assert fetch(prepared_rows(key, _watching, first)) == []
    with compiled_sql() as compiled:
        rows = list(prepared_rows(key, _watching, second))
    assert compiled == []
    assert [vars_of(w) for w in rows] == [vars_of(w) for w in _watching(second)]
    with CaptureQueriesContext(connection) as queries:
        assert rows[0].ticket is second and rows[0].user == people.pm
    assert queries.captured_queries == []
