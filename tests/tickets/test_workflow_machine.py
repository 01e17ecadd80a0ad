"""Random tickets walked through random actions by random people of every role.

After every step: each ticket stands in exactly the state its accepted moves lead to, its
timeline lists exactly those moves, a refused move changed nothing, a move succeeded
exactly when the workflow table allows it, and every person's "my work" is exactly the
tickets the table says wait for them (docs/workflow.md).
"""

import itertools
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.permissions import can, roles_of
from accounts.roles import Role
from notify.models import Notification
from tests.factories import ShipmentFactory, UserFactory
from tests.tickets.factories import intake_data, step_data
from tickets import selectors, services
from tickets.errors import MissingData, NotAllowed, TicketError, WrongState
from tickets.forms import capacities_for
from tickets.models import State, Ticket
from tickets.selectors import my_work
from tickets.workflow import TRANSITIONS, applies_to, waits_for

pytestmark = pytest.mark.django_db

ACTIONS = sorted(TRANSITIONS)
SUCCEEDED: Counter = Counter()  # accepted moves per action, over all runs
# The CAPA entries that follow an archive or a reopen are the effects', not moves.
FOLLOWERS = ("capa_scheduled", "capa_cancelled")
# The moves that take a complaint from intake to its follow-up without a detour.
USUAL_PATH = (
    "plan",
    "assign",
    "start_service",
    "submit_disposition",
    "override_satisfaction",  # the way on from an unsatisfied customer besides a new form
    "sign_off",
    "archive",
    "follow_up",
)


def _cast():
    """One person per role, a second sales person and service lead (so "their own ticket"
    matters), and an admin."""
    people = {str(role): UserFactory(roles=[role], username=f"m-{role}") for role in Role}
    people["sales2"] = UserFactory(roles=[Role.SALES], username="m-sales2")
    people["lead2"] = UserFactory(roles=[Role.SERVICE_LEAD], username="m-lead2")
    people["admin"] = UserFactory(username="m-admin", is_staff=True)
    return people


class WorkflowMachine(RuleBasedStateMachine):
    people: dict = {}
    shipment = None

    def __init__(self):
        super().__init__()
        # Each run's tickets are rolled back at its end, so "my work" sees only this run's.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.tickets: list[Ticket] = []
        self.state: dict[int, str] = {}
        self.moves: dict[int, list[tuple[str, str, str]]] = {}
        self.counter = itertools.count()
        self.changed = True  # something to check since the last check

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _person(self, name: str):
        return self.people[name]

    @initialize(creator=st.sampled_from(["sales", "sales2", "sales_manager"]))
    def first_ticket(self, creator):
        self.log(creator)

    @rule(creator=st.sampled_from(["sales", "sales2", "sales_manager", "project_manager"]))
    def log(self, creator):
        if len(self.tickets) >= 3:
            return
        ticket = services.ticket_create(by=self._person(creator), **intake_data(self.shipment))
        self.tickets.append(ticket)
        self.state[ticket.pk] = State.RECEIVED
        self.moves[ticket.pk] = []
        self.changed = True

    def _data(self, name, ticket, user, lead, complete):
        if not complete:
            return {}
        people = type("People", (), {"lead": self._person(lead)})
        data = dict(step_data(name, people))
        if name in ("sign_off", "dispute"):
            held = capacities_for(user, ticket)
            data["capacity"] = held[0][0] if held else "project_manager"
        if name == "follow_up":  # the same follow-up twice in ten minutes is one double click
            data["note"] = f"客户满意 {next(self.counter)}"
        return data

    @rule(
        index=st.integers(min_value=0, max_value=2),
        name=st.sampled_from(ACTIONS),
        who=st.sampled_from([*(str(r) for r in Role), "sales2", "lead2", "admin"]),
        lead=st.sampled_from(["service_lead", "lead2"]),
        complete=st.sampled_from([True, True, True, False]),  # mostly with the form filled in
    )
    def act(self, index, name, who, lead, complete):
        """Anyone tries anything: mostly refused, each time for the table's reason."""
        self._attempt(self._ticket(index), name, who, lead, complete)

    @rule(
        index=st.integers(min_value=0, max_value=2),
        pick=st.integers(min_value=0, max_value=50),
        lead=st.sampled_from(["service_lead", "lead2"]),
        onward=st.booleans(),
    )
    def take_an_offered_action(self, index, pick, lead, onward):
        """Someone clicks one of the buttons their ticket page offers: walks tickets forward
        (half the time only along the usual path, so the walks also reach its end)."""
        ticket = self._ticket(index)
        offered = [
            (who, t.name)
            for who, user in self.people.items()
            for t in services.allowed_transitions(ticket, user)
        ]
        if onward and any(name in USUAL_PATH for _who, name in offered):
            offered = [(who, name) for who, name in offered if name in USUAL_PATH]
        if offered:
            who, name = offered[pick % len(offered)]
            self._attempt(ticket, name, who, lead, complete=True)

    def _ticket(self, index: int) -> Ticket:
        return Ticket.objects.get(pk=self.tickets[index % len(self.tickets)].pk)

    def _attempt(self, ticket, name, who, lead, complete):
        user = self._person(who)
        transition = TRANSITIONS[name]
        data = self._data(name, ticket, user, lead, complete)
        # What the table says should happen, and if refused, why.
        if not can(user, transition.action):
            expected = NotAllowed
        elif ticket.state not in transition.sources:
            expected = WrongState
        elif (refusal := transition.refusal(ticket, user)) is not None:
            expected = type(refusal)
        else:
            expected = None
        table_allows = expected is None
        assert (transition in services.allowed_transitions(ticket, user)) == table_allows
        before = self._snapshot(ticket)
        try:
            after = services.ticket_transition(
                ticket=ticket, to=name, by=user, data=data, expected_version=ticket.version
            )
        except TicketError as exc:
            # Refused: for the reason the table gives (or an empty form), and nothing changed.
            assert type(exc) is (expected or MissingData), (name, who, ticket.state, exc)
            assert expected or not complete
            assert self._snapshot(ticket) == before
            return
        assert table_allows, (name, who, ticket.state)
        assert after.version == ticket.version + 1
        target = transition.target or ticket.state
        assert after.state == target
        self.moves[ticket.pk].append((name, ticket.state, transition.target or ""))
        SUCCEEDED[name] += 1
        self.state[ticket.pk] = target
        self.changed = True

    @staticmethod
    def _snapshot(ticket):
        t = Ticket.objects.get(pk=ticket.pk)
        return (
            t.state,
            t.version,
            t.pm_signed,
            t.production_signed,
            t.followed_up,
            t.service_lead_id,
            t.events.count(),
            Notification.objects.count(),
        )

    @invariant()
    def every_ticket_and_every_my_work_agree_with_the_table(self):
        if not self.changed:  # a refused move was just shown to have changed nothing
            return
        self.changed = False
        tickets = list(Ticket.objects.filter(pk__in=self.state).prefetch_related("events"))
        assert len(tickets) == len(self.tickets)
        for t in tickets:
            self._check_timeline(t)
        for user in self.people.values():
            roles = roles_of(user)
            shown = set(my_work(user).values_list("pk", flat=True))
            assert shown == {t.pk for t in tickets if waits_for(t, user)}, user.username
            # Whoever an action waits for may take it now.
            for t in tickets:
                waited = {
                    tr for tr in TRANSITIONS.values() if any(applies_to(w, t, user, roles) for w in tr.waits)
                }
                if waited:
                    assert waited <= set(services.allowed_transitions(t, user)), (user.username, t.state)

    def _check_timeline(self, t: Ticket) -> None:
        """One state, the one its accepted moves lead to; the timeline lists exactly them."""
        assert t.state in State.values and t.state == self.state[t.pk]
        events = sorted((e for e in t.events.all() if e.action not in FOLLOWERS), key=lambda e: e.seq)
        assert events[0].kind == "created" and events[0].to_state == State.RECEIVED
        assert [(e.action, e.from_state, e.to_state) for e in events[1:]] == self.moves[t.pk]
        assert all(e.kind == TRANSITIONS[e.action].event for e in events[1:])
        # The moves chain: each starts where the previous one left the ticket.
        here = State.RECEIVED
        for e in events[1:]:
            assert e.from_state == here
            here = e.to_state or here
        assert here == t.state


def test_random_walks_through_the_workflow_keep_every_invariant(db, monkeypatch):
    # Which tickets "my work" lists does not depend on the SLA columns it adds for the page;
    # building them is most of this test's time.
    monkeypatch.setattr(selectors, "with_targets", lambda queryset: queryset)
    SUCCEEDED.clear()
    WorkflowMachine.people = _cast()
    WorkflowMachine.shipment = ShipmentFactory()
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The walks are fixed (derandomize): they must reach every action, or they prove little.
    assert set(SUCCEEDED) == set(TRANSITIONS), SUCCEEDED
