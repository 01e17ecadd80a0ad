"""What the salesperson sees: the ticket's tracking link with its QR code, and the customer's
form link, made, listed with its QR code and revoked."""

import pytest
from django.urls import reverse

from portal.models import CustomerLink

pytestmark = pytest.mark.django_db


def test_the_ticket_page_offers_the_tracking_link_and_its_qr_code(client, new_ticket, people):
    ticket = new_ticket()
    client.force_login(people.sales)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "portal-panel" in page
    path = reverse("portal:track", args=[ticket.number, ticket.portal_access.token])
    assert path in page
    assert "<svg" in page
    assert "portal-form-link" not in page  # no form link yet: a button to make one


def test_a_salesperson_makes_a_form_link_from_the_ticket_page(client, new_ticket, people):
    ticket = new_ticket()
    client.force_login(people.sales)
    response = client.post(
        reverse("portal:link-issue"), {"customer": ticket.customer_id, "next": ticket.get_absolute_url()}
    )
    assert response["Location"] == ticket.get_absolute_url()
    link = CustomerLink.objects.get()
    assert link.created_by == people.sales and link.customer == ticket.customer
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert reverse("portal:complaint", args=[link.token]) in page
    # Asking again gives the same link, not a second one.
    client.post(reverse("portal:link-issue"), {"customer": ticket.customer_id})
    assert CustomerLink.objects.count() == 1


def test_the_links_page_lists_qr_codes_and_revokes(client, link, people):
    client.force_login(people.sales)
    page = client.get(reverse("portal:links")).content.decode()
    assert reverse("portal:complaint", args=[link.token]) in page and "<svg" in page
    client.post(reverse("portal:link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert (
        reverse("portal:complaint", args=[link.token])
        not in client.get(reverse("portal:links")).content.decode()
    )
    assert client.get(reverse("portal:complaint", args=[link.token])).status_code == 404


def test_people_who_do_not_log_complaints_cannot_make_links(client, people, shipment):
    client.force_login(people.qc)
    assert client.get(reverse("portal:links")).status_code == 404
    client.post(reverse("portal:link-issue"), {"customer": shipment.customer_id})
    assert not CustomerLink.objects.exists()


def test_another_salesperson_cannot_revoke_my_link(client, link, make_user):
    client.force_login(make_user("sales", username="sales2"))
    client.post(reverse("portal:link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_from_elsewhere_is_not_followed(client, people, shipment):
    client.force_login(people.sales)
    response = client.post(
        reverse("portal:link-issue"), {"customer": shipment.customer_id, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:links")


@pytest.mark.parametrize("nxt", ["abc", "²", "//evil.example/", ""])
def test_a_next_that_is_no_path_goes_to_the_links_page(client, people, shipment, nxt):
    client.force_login(people.sales)
    response = client.post(reverse("portal:link-issue"), {"customer": "abc", "next": nxt})
    assert response.status_code == 302 and response["Location"] == reverse("portal:links")
