"""Traceability instead of retyping (issue 12.7): shipment -> material batch -> supplier; a
supplier claim fills the recourse; a won lawsuit links to the dispute it yields."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounting import services
from accounting.models import QualityDispute, SupplierClaim
from accounts.roles import Role
from apperrors.exceptions import AppError
from tests.factories import MaterialBatchFactory, ShipmentFactory

from .factories import finance_pair, make_dispute, make_ticket

pytestmark = pytest.mark.django_db


def test_a_dispute_from_a_ticket_traces_the_shipment_to_its_batch_price_supplier_and_quantities(client):
    preparer, _ = finance_pair()
    batch = MaterialBatchFactory(unit_price=Decimal("6100"))
    shipment = ShipmentFactory(quantity=Decimal("120"), material_batch=batch)
    ticket = make_ticket(shipment=shipment)  # 5 affected
    initial = services.dispute_initial(source=ticket)
    assert initial["material_batch"] == batch and initial["supplier"] == batch.supplier
    assert (initial["quantity"], initial["affected_quantity"]) == (Decimal("120"), Decimal("5"))
    dispute = make_dispute(preparer, source=ticket, node="after_issue", outcome="exchange", costs=None)
    assert dispute.unit_price == Decimal("6100") and dispute.supplier == batch.supplier
    client.force_login(preparer)
    body = client.get(reverse("accounting:dispute_create") + f"?ticket={ticket.number}").content.decode()
    assert f'<option value="{batch.pk}" selected' in body and 'value="120"' in body


def test_purchasing_records_a_claim_and_finance_books_the_recourse_from_it(client, make_user):
    preparer, _ = finance_pair()
    purchasing = make_user(Role.PURCHASING)
    batch = MaterialBatchFactory()
    client.force_login(purchasing)
    response = client.post(
        reverse("accounting:claim_list"),
        {
            "supplier": batch.supplier.pk,
            "kind": "indirect_loss",
            "agreed_amount": "30000",
            "agreement_date": "2026-11-25",
            "reference": "PC-2026-017",
            "material_batch": batch.pk,
        },
    )
    assert response.status_code == 302
    claim = SupplierClaim.objects.get()
    client.force_login(make_user(Role.SALES))
    assert client.post(reverse("accounting:claim_list"), {}).status_code == 403
    client.force_login(preparer)
    body = client.get(reverse("accounting:dispute_create") + f"?claim={claim.pk}").content.decode()
    assert 'value="30000' in body and 'value="2026-11-25"' in body
    # the claim's amount and date win over typed figures
    dispute = make_dispute(
        preparer,
        source=claim,
        compensation_to_customer=Decimal("80000"),
        supplier_recourse=Decimal("99999"),
        costs=None,
        node="after_sale",
        outcome="indirect_loss_compensation",
    )
    assert dispute.supplier_claim == claim and dispute.supplier_recourse == Decimal("30000")
    vouchers = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    assert [(v.position, v.date) for v in vouchers][1:] == [
        (2, datetime.date(2026, 11, 25)),
        (3, datetime.date(2026, 11, 25)),
    ]
    assert vouchers[1].lines.get(line_no=1).amount == Decimal("30000.00")
    assert client.get(reverse("accounting:dispute_create") + "?claim=abc").status_code == 200
    assert client.get(reverse("accounting:dispute_create") + "?claim=99999").status_code == 404


def test_a_won_lawsuit_links_to_the_return_it_yields(client):
    preparer, _ = finance_pair()
    suit = make_dispute(preparer, judgment_date=datetime.date(2026, 11, 18))  # the suit's costs
    with pytest.raises(AppError) as info:
        make_dispute(
            preparer,
            source=suit,
            booking_date=datetime.date(2026, 11, 10),
            node="after_issue",
            outcome="exchange",
            affected_quantity=Decimal("2"),
            unit_price=Decimal("100"),
            costs=None,
        )
    assert "booking_date" in info.value.errors
    won = make_dispute(
        preparer,
        source=suit,
        booking_date=datetime.date(2026, 11, 20),
        node="after_issue",
        outcome="exchange",
        affected_quantity=Decimal("2"),
        unit_price=Decimal("100"),
        costs=None,
    )
    assert won.lawsuit == suit and list(suit.outcomes.all()) == [won]
    with pytest.raises(AppError):  # a won suit yields no litigation costs
        make_dispute(preparer, source=suit, booking_date=datetime.date(2026, 11, 20))
    client.force_login(preparer)
    body = client.get(reverse("accounting:dispute_detail", args=[suit.pk])).content.decode()
    assert won.number in body and 'id="book-won-outcome"' in body
    body = client.get(reverse("accounting:dispute_detail", args=[won.pk])).content.decode()
    assert 'id="dispute-lawsuit"' in body and suit.number in body
    assert QualityDispute.objects.count() == 2
