"""The ticket factory builds what the app builds: a ticket in a state has the step records and
the timeline of the people who moved it there (tests elsewhere rely on that being true)."""

import pytest

from tests.tickets.factories import Crew, TicketFactory, act, image
from tickets.models import State

pytestmark = pytest.mark.django_db


def test_an_archived_ticket_has_every_step_on_its_timeline_by_whose_job_it_was():
    people = Crew()
    ticket = TicketFactory(state=State.ARCHIVED, people=people, disposition={"corrective_action": "换批次"})
    steps = [(e.action, e.actor) for e in ticket.events.order_by("pk") if e.action]
    assert steps[:7] == [
        ("plan", people.pm),
        ("assign", people.prod),
        ("start_service", people.lead),
        ("submit_disposition", people.lead),
        ("sign_off", people.pm),
        ("sign_off", people.prod),
        ("archive", people.qc),
    ]
    assert [action for action, _by in steps[7:]] == ["capa_scheduled"]  # what archiving sets off
    assert ticket.created_by == people.sales and ticket.service_lead == people.lead
    assert ticket.dispositions.get().corrective_action == "换批次"
    assert {s.capacity for s in ticket.signoffs.all()} == {"project_manager", "production_manager"}


def test_a_qc_review_and_photos_come_through_the_services():
    people = Crew()
    ticket = TicketFactory(state=State.ASSIGNED, people=people, photos=[image(), image("b.png", "PNG")])
    ticket = act(act(ticket, "escalate", people), "conclude_review", people)
    assert ticket.state == State.IN_SERVICE and ticket.qc_reviews.get().root_cause == "热处理不足"
    assert ticket.photos.count() == 2


def test_a_state_off_the_happy_path_is_refused_plainly():
    with pytest.raises(AssertionError, match="does not lead to rejected"):
        TicketFactory(state=State.REJECTED)
