""" "My work" is derived from the workflow table: who sees a ticket, in every state and
half-state, written out by hand here, so removing any reason to wait (from the table or
from its derivation) fails a row below."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.permissions import roles_of
from accounts.roles import Role
from tests.tickets.factories import act, sign
from tickets.models import PurchaseRequest, State
from tickets.selectors import my_follow_ups, my_work
from tickets.workflow import TRANSITIONS, WAITS, waits_for

pytestmark = pytest.mark.django_db

EVERYONE = ("sales", "sales_manager", "pm", "prod", "lead", "qc", "purchasing", "technical", "finance", "gm")


def _situation(name, new_ticket, walk, people):
    ticket = new_ticket()
    if name == "received":
        return ticket
    if name == "rejected":
        return act(ticket, "reject", people, "sales_manager")
    if name == "planned":
        return walk(ticket, State.PLANNED)
    if name == "assigned":  # the assignment asked purchasing for parts
        return walk(ticket, State.ASSIGNED)
    if name == "assigned, parts ordered":
        ticket = walk(ticket, State.ASSIGNED)
        PurchaseRequest.objects.filter(ticket=ticket).update(status="ordered")
        return ticket
    if name == "in service":
        return walk(ticket, State.IN_SERVICE)
    if name == "qc review":
        return act(walk(ticket, State.IN_SERVICE), "escalate", people, "lead")
    if name == "in service, customer not satisfied":
        return act(walk(ticket, State.IN_SERVICE), "customer_unsatisfied", people, "lead")
    if name == "confirming, overridden":
        ticket = act(walk(ticket, State.IN_SERVICE), "customer_unsatisfied", people, "lead")
        return act(ticket, "override_satisfaction", people, "prod")
    if name == "qc review, the lead disputes":
        return act(walk(ticket, State.CONFIRMING), "lead_dispute", people, "lead")
    if name == "confirming":
        return walk(ticket, State.CONFIRMING)
    if name == "confirming, project signed":
        return sign(walk(ticket, State.CONFIRMING), "pm", people)
    if name == "confirming, production signed":
        return sign(walk(ticket, State.CONFIRMING), "prod", people)
    if name == "confirming, both signed":
        return sign(sign(walk(ticket, State.CONFIRMING), "pm", people), "prod", people)
    if name == "archived":
        return walk(ticket, State.ARCHIVED)
    if name == "archived, followed up":
        return act(walk(ticket, State.ARCHIVED), "follow_up", people, "sales")
    if name == "reopened":
        return act(walk(ticket, State.ARCHIVED), "reopen", people, "qc")
    raise AssertionError(name)


# Who finds the ticket in "my work" (the sales person "sales" logged it; "lead" leads it).
EXPECTED = {
    "received": {"sales_manager", "pm"},
    "rejected": set(),
    "planned": {"prod"},
    "assigned": {"lead", "purchasing"},
    "assigned, parts ordered": {"lead"},
    "in service": {"lead", "pm", "purchasing"},
    "qc review": {"qc", "purchasing"},
    "in service, customer not satisfied": {"lead", "pm", "purchasing"},
    "confirming, overridden": {"pm", "prod"},
    "qc review, the lead disputes": {"qc", "purchasing"},
    "confirming": {"pm", "prod"},
    "confirming, project signed": {"prod"},
    "confirming, production signed": {"pm"},
    "confirming, both signed": {"qc"},
    "archived": {"sales", "sales_manager"},
    "archived, followed up": set(),
    "reopened": {"pm"},
}
# Sales follows their own complaint while it is open, under "I follow up": nothing is asked
# of them then, so it is not in "my work" (issue 15 point 1).
FOLLOWING = {
    s: ({"sales"} if s not in ("rejected", "archived", "archived, followed up") else set()) for s in EXPECTED
}


@pytest.mark.parametrize("situation", list(EXPECTED))
def test_my_work_lists_the_ticket_for_exactly_the_people_it_waits_for(
    situation, new_ticket, walk, people, make_user
):
    ticket = _situation(situation, new_ticket, walk, people)
    other_sales = make_user(Role.SALES, username="sales2")
    other_lead = make_user(Role.SERVICE_LEAD, username="lead2")
    admin = make_user(is_staff=True, username="admin")
    seen = {who for who in EVERYONE if my_work(getattr(people, who)).filter(pk=ticket.pk).exists()}
    assert seen == EXPECTED[situation]
    # The same answer for the one ticket, read from the table in Python.
    assert {who for who in EVERYONE if waits_for(ticket, getattr(people, who))} == EXPECTED[situation]
    # Another sales person and another service lead are not waited for; an admin sees all open.
    assert not my_work(other_sales).filter(pk=ticket.pk).exists()
    assert not my_work(other_lead).filter(pk=ticket.pk).exists()
    follows = {who for who in EVERYONE if my_follow_ups(getattr(people, who)).filter(pk=ticket.pk).exists()}
    assert follows == FOLLOWING[situation]
    assert {who for who in EVERYONE if waits_for(ticket, getattr(people, who), follow=True)} == FOLLOWING[
        situation
    ]
    assert not my_follow_ups(other_sales).filter(pk=ticket.pk).exists()
    assert my_work(admin).filter(pk=ticket.pk).exists() == (ticket.state not in ("archived", "rejected"))


def test_every_reason_to_wait_on_an_action_names_a_role_that_may_take_it():
    for t in TRANSITIONS.values():
        for w in t.waits:
            assert w.role in t.roles, (t.name, w.role)
            assert w.states <= t.sources, (t.name, w.states)
    assert all(w.states for w in WAITS)


def test_my_work_asks_for_its_tickets_in_one_query(people, new_ticket):
    new_ticket()
    for who in EVERYONE:
        user = getattr(people, who)
        roles_of(user)  # read once per request, before the list (the page's other queries)
        with CaptureQueriesContext(connection) as queries:
            list(my_work(user))
        tickets = [q["sql"] for q in queries.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
        assert len(tickets) <= 1, who  # none at all when nothing can wait for this user
