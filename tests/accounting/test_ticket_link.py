"""A quality dispute opened from a complaint ticket: prefill, who may, the links both ways,
and the ticket number in every export layout."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounting import services
from accounting.exports import KINGDEE, U8, write_csv
from accounting.models import QualityDispute
from accounts.roles import Role

from .factories import finance_pair, make_ticket, posted_vouchers

pytestmark = pytest.mark.django_db

SALES_RETURN = {
    "node": "after_sale",
    "outcome": "return",
    "invoice_status": "invoiced",
    "unit_price": Decimal("8000"),
    "unit_cost": Decimal("5500"),
}


def main_content(response) -> str:
    """The page's <main> only: the header's notification menu lists ticket numbers too."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _from_ticket(ticket, by, **fields):
    data = {**SALES_RETURN, **fields}
    return services.dispute_create(by=by, booking_date=datetime.date(2026, 11, 20), source=ticket, **data)


def test_dispute_from_ticket_takes_its_customer_shipment_quantity_and_link():
    preparer, _ = finance_pair()
    ticket = make_ticket(quantity=Decimal("5"))
    dispute = _from_ticket(ticket, preparer)
    assert dispute.ticket == ticket and dispute.source_reference == ticket.number
    assert dispute.customer == ticket.customer and dispute.shipment == ticket.shipment
    assert dispute.affected_quantity == Decimal("5")
    assert list(ticket.quality_disputes.all()) == [dispute]


def test_form_opened_from_ticket_is_prefilled_and_saves_the_link(client):
    preparer, _ = finance_pair()
    ticket = make_ticket(quantity=Decimal("5"))
    client.force_login(preparer)
    url = f"{reverse('accounting:dispute_create')}?ticket={ticket.number}"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["customer"] == ticket.customer and form.initial["shipment"] == ticket.shipment
    assert form.initial["affected_quantity"] == Decimal("5")
    body = main_content(response)
    assert ticket.number in body and ticket.get_absolute_url() in body
    assert re.search(rf'<option value="{ticket.customer.pk}" selected>', body)
    assert 'name="affected_quantity" value="5' in body

    post = {
        "node": "after_sale",
        "outcome": "return",
        "invoice_status": "invoiced",
        "booking_date": "2026-11-20",
        "customer": ticket.customer.pk,
        "shipment": ticket.shipment.pk,
        "source_reference": ticket.number,
        "affected_quantity": "5",
        "unit_price": "8000",
        "unit_cost": "5500",
        "vat_rate": "0.13",
    }
    response = client.post(url, post)
    dispute = QualityDispute.objects.get()
    assert response.status_code == 302 and dispute.ticket == ticket
    assert dispute.vouchers.count() == 2


def test_only_finance_sees_the_open_dispute_action_on_the_ticket_page(client, make_user):
    finance, _ = finance_pair()
    ticket = make_ticket()
    page = reverse("tickets:detail", args=[ticket.number])
    client.force_login(finance)
    body = main_content(client.get(page))
    assert "发起质量异议" in body and f"?ticket={ticket.number}" in body
    for role in (Role.SALES, Role.QC, Role.PROJECT_MANAGER):
        client.force_login(make_user(role))
        body = main_content(client.get(page))
        assert "发起质量异议" not in body and "?ticket=" not in body


def test_sales_may_not_open_the_prefilled_form(client, make_user):
    ticket = make_ticket()
    client.force_login(make_user(Role.SALES))
    url = f"{reverse('accounting:dispute_create')}?ticket={ticket.number}"
    assert client.get(url).status_code == 403
    assert client.post(url, {"node": "litigation", "outcome": "litigation_costs"}).status_code == 403
    assert not QualityDispute.objects.exists()


def test_unknown_ticket_number_is_refused_in_chinese_and_nothing_is_created(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    url = f"{reverse('accounting:dispute_create')}?ticket=KS-2026-999999"
    response = client.get(url)
    assert response.status_code == 404
    assert "客诉工单 KS-2026-999999 不存在" in main_content(response)
    post = {
        "node": "litigation",
        "outcome": "litigation_costs",
        "costs": "100",
        "booking_date": "2026-11-20",
        "vat_rate": "0.13",
    }
    response = client.post(url, post)
    assert response.status_code == 404 and not QualityDispute.objects.exists()


def test_ticket_page_lists_its_disputes_and_their_vouchers(client, make_user):
    preparer, reviewer = finance_pair()
    ticket = make_ticket()
    dispute = _from_ticket(ticket, preparer)
    posted_vouchers(dispute, preparer, reviewer)
    other = _from_ticket(make_ticket(), preparer)  # another ticket's dispute stays off this page
    page = reverse("tickets:detail", args=[ticket.number])
    client.force_login(make_user(Role.QC))  # may view accounting, may not open disputes
    body = main_content(client.get(page))
    assert dispute.number in body and other.number not in body
    assert "记-0001" in body and "记-0002" in body and "已过账" in body
    assert reverse("accounting:dispute_detail", args=[dispute.pk]) in body
    client.force_login(make_user(Role.SALES))  # no accounting view: no dispute card
    assert dispute.number not in main_content(client.get(page))


def test_ticket_page_queries_do_not_grow_with_disputes(client):
    preparer, _ = finance_pair()
    ticket = make_ticket()
    _from_ticket(ticket, preparer)
    page = reverse("tickets:detail", args=[ticket.number])
    client.force_login(preparer)
    client.get(page)  # the first view makes the ticket's portal tracking secret (portal app)
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for _ in range(3):
        d = _from_ticket(ticket, preparer)
        services.dispute_generate_vouchers(dispute=d, by=preparer)
    with CaptureQueriesContext(connection) as four:
        client.get(page)
    assert len(four) == len(one)


def test_dispute_and_voucher_pages_link_back_to_the_ticket(client):
    preparer, reviewer = finance_pair()
    ticket = make_ticket()
    dispute = _from_ticket(ticket, preparer)
    voucher = posted_vouchers(dispute, preparer, reviewer)[0]
    client.force_login(reviewer)
    link = f'href="{ticket.get_absolute_url()}"'
    body = main_content(client.get(reverse("accounting:dispute_detail", args=[dispute.pk])))
    assert link in body and ticket.number in body
    body = main_content(client.get(reverse("accounting:voucher_detail", args=[voucher.pk])))
    assert link in body and "客诉工单" in body


@pytest.fixture
def ticket_books():
    preparer, reviewer = finance_pair()
    # The typed reference differs on purpose: the linked ticket's number wins in every export.
    ticket = make_ticket()
    dispute = _from_ticket(ticket, preparer, source_reference="typed-by-hand")
    posted_vouchers(dispute, preparer, reviewer)
    return ticket, dispute


def _rows(layout: str, *, use_copy: bool = False) -> list[list[str]]:
    out = io.BytesIO()
    write_csv(out, layout, {}, use_copy=use_copy)
    return list(csv.reader(io.StringIO(out.getvalue()[3:].decode())))


def test_every_export_layout_carries_the_ticket_number(ticket_books):
    ticket, dispute = ticket_books
    source = f"{dispute.number} / {ticket.number}"
    rows = _rows("generic")
    assert rows[0][12] == "来源单据" and {r[12] for r in rows[1:]} == {source}
    kingdee = [dict(zip([c.header for c in KINGDEE], r, strict=True)) for r in _rows("kingdee")[1:]]
    assert {r["往来业务编号"] for r in kingdee} == {ticket.number}
    assert {r["参考信息"] for r in kingdee} == {source}
    u8 = [dict(zip([c.header for c in U8], r, strict=True)) for r in _rows("u8")[1:]]
    assert {r["凭证头自定义项1"] for r in u8} == {source}


@pytest.mark.postgres
def test_copy_export_carries_the_ticket_number_like_the_python_writer(ticket_books):
    ticket, _ = ticket_books
    assert _rows("generic", use_copy=True) == _rows("generic")
    assert ticket.number in _rows("generic", use_copy=True)[1][12]


def test_voucher_api_gives_the_ticket_number_as_source_document(client, ticket_books):
    ticket, dispute = ticket_books
    client.force_login(dispute.created_by)
    voucher = dispute.vouchers.first()
    data = client.get(reverse("accounting-api:voucher-detail", args=[voucher.pk])).json()
    assert data["dispute"] == dispute.number and data["source_document"] == ticket.number


def test_dispute_and_voucher_lists_link_the_ticket(client, ticket_books):
    ticket, dispute = ticket_books
    client.force_login(dispute.created_by)
    link = f'href="{ticket.get_absolute_url()}"'
    assert link in main_content(client.get(reverse("accounting:dispute_list")))
    assert link in main_content(client.get(reverse("accounting:voucher_list")))
