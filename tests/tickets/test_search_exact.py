"""The all-tickets search finds exactly what a plain ILIKE '%term%' finds in the searched
columns: one- and two-character Chinese, pairs that would span two columns, LIKE's own
characters, full-width letters, case, and edits after intake."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.filters import TicketFilter
from tickets.models import Ticket
from tickets.search import ilike_ids

TERMS = [
    "管",
    "弯",
    "渗",
    "氦",
    "粘扣",
    "粘",
    "扣",
    "扣子",
    "螺纹粘",
    "粘扣子",  # would span the description and the customer's words: in neither column
    "号 扣",  # the site's end and the words' start
    "油管弯曲",
    "曲变",
    "变弯",
    "100%",
    "%",
    "_",
    "a_b",
    "a%b",
    "\\",
    "b\\c",
    "ＫＳ",
    "ｋｓ",
    "Ｋ",
    "ks",
    "KS-",
    "ks-20",
    "井场 12",
    "12 号",
    "长庆",
    "庆油",
    "ä",
    "Ä",
    "straße",
    "STRASSE",
    "一行\n第二",
    "粘\x1f扣",  # the separator itself: never in a column
    "变形 1",
    "l9",
    "管a",
    "5",
]


@pytest.fixture
def tickets(new_ticket):
    rows = [
        new_ticket(description="油管弯曲变形 100%合格", customer_words="a_b\\c 测试"),
        new_ticket(description="接箍渗漏", customer_words="ＫＳ全角 Ｋｓ 字母"),
        new_ticket(description="螺纹粘", customer_words="扣子松了"),
        new_ticket(description="Straße ÄÖÜ 管a", customer_words="第一行\n第二行"),
        new_ticket(description="lot l9 号", site="大庆油田 井场 7", customer_words="扣紧"),
    ]
    return rows


def found(term: str) -> set[int]:
    return set(TicketFilter(data={"q": term}, queryset=Ticket.objects.all()).qs.values_list("pk", flat=True))


def test_search_equals_ilike_for_tricky_terms(tickets):
    # On PostgreSQL the reference is ILIKE; on SQLite, LIKE (case-insensitive for ASCII only).
    customer = tickets[0].customer
    terms = [*TERMS, customer.code, customer.code.lower(), customer.name[:2], tickets[1].number[-6:]]
    differences = {t: (found(t), ilike_ids(t)) for t in terms if found(t) != ilike_ids(t)}
    assert differences == {}
    # The terms are not all trivially empty or everything.
    assert found("粘扣子") == set()
    assert found("100%") == {tickets[0].pk}
    assert found("%") == {tickets[0].pk}
    assert found("a_b") == {tickets[0].pk} and found("a%b") == set()


@pytest.mark.postgres
def test_search_equals_ilike_on_postgresql(tickets):
    """The same on PostgreSQL, where the search uses the trigram and the grams indexes."""
    assert connection.vendor == "postgresql"
    for term in [*TERMS, "ＫＳ全角", "ｋｓ", "ÄÖÜ", "äöü"]:
        assert found(term) == ilike_ids(term), term
    assert found("ｋｓ") == found("ＫＳ") == {tickets[1].pk}  # full-width letters have a case too
    assert found("äöü") == {tickets[3].pk}


def test_edits_after_intake_are_found(tickets, client, people):
    ticket = tickets[1]
    ticket.description = "管体裂纹"
    ticket.save(update_fields=["description"])
    assert ticket.pk in found("裂纹") and ticket.pk not in found("渗漏")
    customer = ticket.customer
    customer.name = "塔里木油田第九采油厂"
    customer.save()
    assert found("塔里木") == {t.pk for t in Ticket.objects.filter(customer=customer)}
    # …through the page, too.
    client.force_login(people.qc)
    body = client.get(reverse("tickets:list"), {"q": "第九采"}).content.decode()
    assert ticket.number in body


def test_saving_other_fields_leaves_the_search_text_alone(tickets):
    ticket = Ticket.objects.get(pk=tickets[0].pk)
    before = ticket.search_text
    ticket.severity = "low"
    with CaptureQueriesContext(connection) as queries:
        ticket.save()
    assert not [q for q in queries.captured_queries if "core_customer" in q["sql"]]  # nothing rebuilt
    assert Ticket.objects.get(pk=ticket.pk).search_text == before
    assert re.search("油管弯曲", before)
