"""The public complaint form: one ticket however often it is sent, in the salesperson's
name, who is told; bots, strangers and floods leave a record and nothing else."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notify.models import Notification
from portal import services
from portal.models import Incident
from promises.selectors import open_commitments_of
from tickets.models import Ticket

from .conftest import form_data, png

pytestmark = pytest.mark.django_db


def url(link):
    return reverse("portal:complaint", args=[link.token])


def test_the_form_opens_without_login_and_names_the_customer(client, link):
    page = client.get(url(link)).content.decode()
    assert link.customer.name in page
    assert 'name="website"' in page  # the honeypot is there, hidden
    assert "退出" not in page and "我的工作" not in page  # no staff navigation


def test_a_submission_is_one_ticket_however_often_it_is_sent(client, link, people):
    data = form_data(uuid.uuid4())
    answers = [client.post(url(link), data) for _ in range(3)]
    ticket = Ticket.objects.get()
    assert all(a.status_code == 302 for a in answers)
    assert {a["Location"] for a in answers} == {
        reverse("portal:track", args=[ticket.number, ticket.portal_access.token]) + "?new=1"
    }
    assert ticket.channel == "portal"
    assert ticket.customer == link.customer
    assert ticket.created_by == people.sales
    assert ticket.caller_name == "王工" and ticket.caller_phone == "138 0000 0000"
    assert ticket.severity == "high" and ticket.remedy == "exchange"
    assert "P110" in ticket.description
    assert len(open_commitments_of(ticket)) == 1  # one call-back promise, not three
    page = client.get(answers[0]["Location"]).content.decode()
    assert ticket.number in page and "我们将在" in page


def test_the_salesperson_and_the_managers_are_told(client, link, people):
    client.post(url(link), form_data(uuid.uuid4()))
    client.post(url(link), form_data(uuid.uuid4()))
    told = Notification.objects.filter(event="ticket.received")
    assert told.filter(recipient=people.sales).count() == 2
    assert told.filter(recipient=people.pm).count() == 2


def test_photos_are_saved_and_checked(client, link):
    data = form_data(uuid.uuid4(), photos=[png("a.png"), png("b.png")])
    assert client.post(url(link), data).status_code == 302
    assert Ticket.objects.get().photos.count() == 2


def test_a_file_that_is_no_image_is_refused_and_the_text_is_kept(client, link):
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(url(link), form_data(uuid.uuid4(), photos=[fake]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "不是图片" in page or "图片" in page
    assert "第三根套管接箍处渗漏" in page  # nothing typed is lost
    assert not Ticket.objects.exists()
    assert Incident.objects.get().kind == Incident.Kind.INVALID


def test_too_many_photos_are_refused(client, link, settings):
    settings.PORTAL_MAX_PHOTOS = 1
    response = client.post(url(link), form_data(uuid.uuid4(), photos=[png("a.png"), png("b.png")]))
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_missing_and_oversized_text_is_refused(client, link):
    response = client.post(url(link), form_data(uuid.uuid4(), what_happened="", site="x" * 201))
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert "site" in Incident.objects.get().detail


def test_a_filled_honeypot_pretends_and_saves_nothing(client, link):
    response = client.post(url(link), form_data(uuid.uuid4(), website="http://spam.example"))
    assert response.status_code == 200
    assert "已收到" in response.content.decode()
    assert not Ticket.objects.exists()
    incident = Incident.objects.get()
    assert incident.kind == Incident.Kind.HONEYPOT and incident.customer == link.customer


def test_a_flood_is_rate_limited(client, link, settings):
    settings.PORTAL_SUBMIT_LIMIT = 2
    for _ in range(2):
        assert client.post(url(link), form_data(uuid.uuid4())).status_code == 302
    response = client.post(url(link), form_data(uuid.uuid4()))
    assert response.status_code == 429
    assert Ticket.objects.count() == 2
    assert Incident.objects.filter(kind=Incident.Kind.RATE_LIMITED).count() == 1


@pytest.mark.parametrize("how", ["unknown", "revoked", "issuer_left"])
def test_a_dead_link_is_404_records_and_saves_nothing(client, link, people, how):
    target = url(link)
    if how == "unknown":
        target = reverse("portal:complaint", args=["A" * 32])
    elif how == "revoked":
        services.customer_link_revoke(link=link, by=people.sales)
    else:
        people.sales.is_active = False
        people.sales.save()
    assert client.get(target).status_code == 404
    assert client.post(target, form_data(uuid.uuid4())).status_code == 404
    assert not Ticket.objects.exists()
    assert set(Incident.objects.values_list("kind", flat=True)) == {Incident.Kind.BAD_LINK}


def test_a_form_token_of_another_customer_does_not_show_their_ticket(client, link, people, shipment):
    token = uuid.uuid4()
    client.post(url(link), form_data(token))
    other = services.customer_link_issue(
        customer=shipment.customer.__class__.objects.create(code="C2", name="另一家"), by=people.sales
    )
    response = client.post(url(other), form_data(token))
    assert response.status_code == 400
    assert Ticket.objects.count() == 1


def test_only_people_who_log_complaints_issue_links(people, shipment):
    with pytest.raises(Exception) as exc:
        services.customer_link_issue(customer=shipment.customer, by=people.qc)
    assert exc.value.status == 403


def test_a_revoked_link_is_revoked_only_by_its_issuer_or_a_manager(link, people):
    with pytest.raises(Exception) as exc:
        services.customer_link_revoke(link=link, by=people.pm)
    assert exc.value.status == 403
    services.customer_link_revoke(link=link, by=people.sales_manager)
    link.refresh_from_db()
    assert link.revoked_at is not None
