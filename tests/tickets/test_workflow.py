"""Every workflow action, allowed and refused by role, by state and for missing data."""

import pytest

from accounts.roles import Role
from notify.models import Notification
from tests.tickets.factories import act, sign, step_data
from tickets import services
from tickets.errors import ConcurrentChange, MissingData, NotAllowed, WrongState
from tickets.models import SignOff, State, Ticket
from tickets.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

ROLE_PERSON = {
    Role.SALES: "sales",
    Role.SALES_MANAGER: "sales_manager",
    Role.PROJECT_MANAGER: "pm",
    Role.PRODUCTION_MANAGER: "prod",
    Role.SERVICE_LEAD: "lead",
    Role.QC: "qc",
    Role.PURCHASING: "purchasing",
    Role.TECHNICAL: "technical",
    Role.FINANCE: "finance",
    Role.GENERAL_MANAGER: "gm",  # reads only: every action is refused
}
CAPACITY = {Role.PROJECT_MANAGER: "project_manager", Role.PRODUCTION_MANAGER: "production_manager"}


@pytest.fixture
def prepare(new_ticket, walk, people):
    """A ticket standing where the named action can start."""

    def make(name: str) -> Ticket:
        ticket = new_ticket()
        if name in ("plan", "reject"):
            return ticket
        if name == "assign":
            return walk(ticket, State.PLANNED)
        if name in ("escalate", "start_service"):
            return walk(ticket, State.ASSIGNED)
        if name == "conclude_review":
            return act(walk(ticket, State.ASSIGNED), "escalate", people)
        if name in ("progress", "submit_disposition", "customer_unsatisfied"):
            return walk(ticket, State.IN_SERVICE)
        if name == "override_satisfaction":
            return act(walk(ticket, State.IN_SERVICE), "customer_unsatisfied", people)
        if name in ("sign_off", "dispute", "lead_dispute"):
            return walk(ticket, State.CONFIRMING)
        if name == "archive":
            return sign(sign(walk(ticket, State.CONFIRMING), "pm", people), "prod", people)
        return walk(ticket, State.ARCHIVED)  # follow_up, reopen

    return make


def _data(name, role, people):
    data = dict(step_data(name, people))
    if name in ("sign_off", "dispute") and role in CAPACITY:
        data["capacity"] = CAPACITY[role]
    return data


def _snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return ticket.state, ticket.version, ticket.events.count(), Notification.objects.count()


CASES = [(name, role) for name in TRANSITIONS for role in Role]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_action_is_allowed_exactly_for_its_roles(name, role, prepare, people):
    ticket = prepare(name)
    user = getattr(people, ROLE_PERSON[role])
    transition = TRANSITIONS[name]
    before = _snapshot(ticket)
    if role in transition.roles:
        assert transition in services.allowed_transitions(ticket, user)
        after = services.ticket_transition(
            ticket=ticket, to=name, by=user, data=_data(name, role, people), expected_version=ticket.version
        )
        assert after.version == ticket.version + 1
        assert after.state == (transition.target or ticket.state)
        # Archiving schedules the CAPA check and a reopen cancels it: their timeline entries
        # follow the transition's own.
        followers = ("capa_scheduled", "capa_cancelled")
        assert after.events.exclude(action__in=followers).order_by("-seq").first().action == name
    else:
        assert transition not in services.allowed_transitions(ticket, user)
        with pytest.raises(NotAllowed) as exc:
            services.ticket_transition(ticket=ticket, to=name, by=user, data=_data(name, role, people))
        assert exc.value.status == 403 and "角色" in exc.value.message
        assert _snapshot(ticket) == before


WRONG_STATE = {
    "plan": State.PLANNED,
    "reject": State.PLANNED,  # only before planning
    "assign": State.RECEIVED,
    "escalate": State.RECEIVED,
    "conclude_review": State.IN_SERVICE,
    "start_service": State.IN_SERVICE,
    "progress": State.ASSIGNED,
    "submit_disposition": State.ASSIGNED,
    "customer_unsatisfied": State.CONFIRMING,
    "override_satisfaction": State.ASSIGNED,
    "lead_dispute": State.IN_SERVICE,
    "sign_off": State.IN_SERVICE,
    "dispute": State.IN_SERVICE,
    "archive": State.IN_SERVICE,
    "follow_up": State.CONFIRMING,
    "reopen": State.CONFIRMING,
}


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_action_is_refused_in_the_wrong_state(name, new_ticket, walk, people):
    ticket = walk(new_ticket(), WRONG_STATE[name])
    transition = TRANSITIONS[name]
    role = sorted(transition.roles)[0]
    user = getattr(people, ROLE_PERSON[Role(role)])
    before = _snapshot(ticket)
    with pytest.raises(WrongState) as exc:
        services.ticket_transition(ticket=ticket, to=name, by=user, data=_data(name, Role(role), people))
    assert exc.value.status == 409
    assert "不可" in exc.value.message or "无法" in exc.value.message
    assert _snapshot(ticket) == before


REQUIRED = [n for n in sorted(TRANSITIONS) if n != "archive"]


@pytest.mark.parametrize("name", REQUIRED)
def test_action_without_its_data_is_refused(name, prepare, people):
    ticket = prepare(name)
    role = sorted(TRANSITIONS[name].roles)[0]
    user = getattr(people, ROLE_PERSON[Role(role)])
    before = _snapshot(ticket)
    with pytest.raises(MissingData) as exc:
        services.ticket_transition(ticket=ticket, to=name, by=user, data={})
    assert exc.value.status == 400 and exc.value.errors
    assert _snapshot(ticket) == before


def test_stale_version_is_refused_and_reports_the_new_state(new_ticket, people):
    ticket = new_ticket()
    seen = ticket.version
    services.ticket_transition(ticket=ticket, to="plan", by=people.pm, data=step_data("plan", people))
    with pytest.raises(ConcurrentChange) as exc:
        services.ticket_transition(
            ticket=ticket, to="reject", by=people.pm, data={"reason": "x"}, expected_version=seen
        )
    assert exc.value.message == "工单已被他人更新"
    assert exc.value.ticket.state == State.PLANNED


def test_sign_offs_in_either_order_then_qc_archives(prepare, people):
    ticket = prepare("sign_off")
    ticket = services.ticket_transition(
        ticket=ticket, to="sign_off", by=people.prod, data={"capacity": "production_manager"}
    )
    assert not any(t.name == "archive" for t in services.allowed_transitions(ticket, people.qc))
    with pytest.raises(WrongState):
        services.ticket_transition(
            ticket=ticket, to="sign_off", by=people.prod, data={"capacity": "production_manager"}
        )
    ticket = services.ticket_transition(
        ticket=ticket, to="sign_off", by=people.pm, data={"capacity": "project_manager"}
    )
    assert ticket.pm_signed and ticket.production_signed
    ticket = services.ticket_transition(ticket=ticket, to="archive", by=people.qc, data={})
    assert ticket.state == State.ARCHIVED
    assert SignOff.objects.filter(ticket=ticket, decision="approved").count() == 2


def test_qc_cannot_archive_before_both_sign_offs(prepare, people):
    ticket = prepare("sign_off")
    services.ticket_transition(
        ticket=ticket, to="sign_off", by=people.pm, data={"capacity": "project_manager"}
    )
    with pytest.raises(MissingData) as exc:
        services.ticket_transition(ticket=ticket, to="archive", by=people.qc, data={})
    assert "签" in exc.value.message
    assert Ticket.objects.get(pk=ticket.pk).state == State.CONFIRMING


def test_a_dispute_sends_the_ticket_to_qc_review_and_needs_fresh_sign_offs(prepare, people):
    ticket = prepare("sign_off")
    ticket = services.ticket_transition(
        ticket=ticket, to="sign_off", by=people.pm, data={"capacity": "project_manager"}
    )
    ticket = services.ticket_transition(
        ticket=ticket,
        to="dispute",
        by=people.prod,
        data={"capacity": "production_manager", "comment": "预防措施不足"},
    )
    assert ticket.state == State.QC_REVIEW and not ticket.pm_signed
    ticket = services.ticket_transition(
        ticket=ticket, to="conclude_review", by=people.qc, data=step_data("conclude_review", people)
    )
    ticket = services.ticket_transition(
        ticket=ticket, to="submit_disposition", by=people.lead, data=step_data("submit_disposition", people)
    )
    assert ticket.state == State.CONFIRMING and not ticket.pm_signed and not ticket.production_signed
    assert ticket.dispositions.count() == 2


def test_only_the_named_lead_may_start_the_service(prepare, make_user, people):
    ticket = prepare("start_service")
    other_lead = make_user(Role.SERVICE_LEAD)
    with pytest.raises(NotAllowed):
        services.ticket_transition(ticket=ticket, to="start_service", by=other_lead, data={"text": "x"})


def test_reopen_needs_a_reason_and_goes_back_to_planning(prepare, people):
    ticket = prepare("reopen")
    ticket = services.ticket_transition(ticket=ticket, to="reopen", by=people.qc, data={"reason": "复查失败"})
    assert ticket.state == State.REOPENED and ticket.reason == "复查失败"
    ticket = services.ticket_transition(
        ticket=ticket, to="plan", by=people.pm, data=step_data("plan", people)
    )
    assert ticket.state == State.PLANNED


def test_every_step_leaves_an_entry_in_the_timeline_with_who(prepare, people):
    ticket = prepare("follow_up")
    actors = list(ticket.events.order_by("seq").values_list("actor__username", "action"))
    assert actors[0] == ("sales", "")
    assert ("pm", "plan") in actors and ("prod", "assign") in actors and ("qc", "archive") in actors


def test_field_history_records_each_change(prepare, people):
    ticket = prepare("assign")
    states = list(ticket.history.order_by("history_date").values_list("state", flat=True))
    assert states[0] == "received" and "planned" in states


def test_notifications_go_to_the_roles_of_the_design(new_ticket, people, walk):
    ticket = new_ticket()
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:received:")
    assert {(r.recipient.username, r.cc) for r in rows} == {
        ("pm", False),
        ("prod", False),
        ("qc", True),
        ("tech", True),
    }
    assert "新客诉" in rows[0].subject and ticket.number in rows[0].subject
    assert rows[0].link.endswith(ticket.get_absolute_url())
    walk(ticket, State.ASSIGNED)
    assigned = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:assign:")
    assert {r.recipient.username for r in assigned} == {"lead", "buyer"}
    planned = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:plan:")
    assert {r.recipient.username for r in planned} == {"prod"}


def test_archive_tells_sales(prepare, people):
    ticket = prepare("follow_up")
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:archive:")
    assert "sales" in {r.recipient.username for r in rows}


def test_field_history_says_who_changed_it(prepare, people):
    ticket = prepare("assign")
    latest = ticket.history.order_by("-history_date").first()
    assert latest.state == "planned" and latest.history_user == people.pm


def test_sales_is_copied_on_every_step_of_a_return(new_ticket, walk, people):
    ticket = walk(new_ticket(remedy="return"), State.ASSIGNED)
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:plan:")
    assert {(r.recipient.username, r.cc) for r in rows} == {("prod", False), ("sales", True)}
    exchange = walk(new_ticket(remedy="exchange"), State.PLANNED)
    rows = Notification.objects.filter(key__startswith=f"ticket:{exchange.pk}:plan:")
    assert {r.recipient.username for r in rows} == {"prod"}


def test_a_sales_follow_up_shows_in_the_timeline_as_a_follow_up_not_as_progress(walk, new_ticket, people):
    ticket = walk(new_ticket(), State.ARCHIVED)
    services.ticket_transition(
        ticket=ticket, to="follow_up", by=people.sales, data=step_data("follow_up", people)
    )
    entry = ticket.events.get(action="follow_up")
    assert entry.get_kind_display() == "回访"
