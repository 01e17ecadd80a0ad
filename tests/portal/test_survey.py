"""The satisfaction survey: offered once the ticket is archived, taken once, and seen where
sales follows up, on the timeline and in the reports."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from notify.models import Notification
from portal import services
from portal.models import Incident, Survey
from tickets.forms import FollowUpForm
from tickets.models import Event

pytestmark = pytest.mark.django_db


def urls(ticket):
    token = services.ticket_access_for(ticket).token
    return (
        reverse("portal:track", args=[ticket.number, token]),
        reverse("portal:survey", args=[ticket.number, token]),
    )


@pytest.fixture
def archived(new_ticket, walk):
    return walk(new_ticket(), "archived")


def test_not_offered_before_archive(client, new_ticket):
    ticket = new_ticket()
    track, survey = urls(ticket)
    assert 'name="rating"' not in client.get(track).content.decode()
    response = client.post(survey, {"rating": "5", "comment": "好"}, follow=True)
    assert not Survey.objects.exists()
    assert "处理完毕后才能评价" in response.content.decode()
    assert Incident.objects.get().kind == Incident.Kind.SURVEY_REFUSED


def test_rating_lands_on_timeline_follow_up_and_sales(client, archived, people):
    track, survey = urls(archived)
    assert 'name="rating"' in client.get(track).content.decode()
    response = client.post(survey, {"rating": "4", "comment": "工程师很专业,就是慢了点"}, follow=True)
    page = response.content.decode()
    assert "感谢您的评价" in page and "4/5" in page and 'name="rating"' not in page
    s = Survey.objects.get()
    assert (s.rating, s.comment) == (4, "工程师很专业,就是慢了点")
    event = Event.objects.filter(ticket=archived, kind=Event.Kind.SURVEY).get()
    assert "4/5" in event.text and "慢了点" in event.text
    assert event.actor.username == "portal" and not event.actor.is_active
    # The follow-up step shows it to the salesperson making the call …
    form = FollowUpForm(ticket=archived, user=people.sales, prefix="follow_up")
    assert "4/5" in str(form.fields["note"].help_text)
    # … the ticket page shows it, and the salesperson was told.
    client.force_login(people.sales)
    detail = client.get(archived.get_absolute_url()).content.decode()
    assert "portal-survey-record" in detail and "慢了点" in detail
    assert Notification.objects.filter(event="ticket.survey", recipient=people.sales).exists()


def test_only_once(client, archived):
    _track, survey = urls(archived)
    client.post(survey, {"rating": "2", "comment": "第一次"})
    response = client.post(survey, {"rating": "5", "comment": "第二次"}, follow=True)
    assert "已经记录过了" in response.content.decode()
    assert Survey.objects.get().rating == 2
    assert Event.objects.filter(ticket=archived, kind=Event.Kind.SURVEY).count() == 1


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_rating_out_of_range_is_refused(client, archived, rating):
    _track, survey = urls(archived)
    response = client.post(survey, {"rating": rating, "comment": "x"})
    assert response.status_code == 400
    assert not Survey.objects.exists()


def test_a_forged_token_cannot_rate(client, archived):
    response = client.post(reverse("portal:survey", args=[archived.number, "x" * 32]), {"rating": "1"})
    assert response.status_code == 404
    assert not Survey.objects.exists()
    assert Incident.objects.get().kind == Incident.Kind.BAD_TRACKING


def test_honeypot_on_the_survey_saves_nothing(client, archived):
    _track, survey = urls(archived)
    client.post(survey, {"rating": "1", "website": "x"})
    assert not Survey.objects.exists()
    assert Incident.objects.get().kind == Incident.Kind.HONEYPOT


def test_the_reports_show_the_average(client, archived, make_user):
    _track, survey = urls(archived)
    client.post(survey, {"rating": "4"})
    client.force_login(make_user(Role.QC))
    page = client.get(reverse("insight:dashboard")).content.decode()
    assert "4.0 / 5" in page
