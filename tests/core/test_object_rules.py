"""Every object rule (`accounts.permissions.object_rules()`), each with people who may and
people who hold the action's roles but may not on this record: through `can()`, through
the service, and through a page or the API.

The table must name every registered object rule, and each refused person holds the
action's roles, so deleting a rule (or dropping it to a role rule) makes a test here fail.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounting import services as accounting_services
from accounting.models import Voucher
from accounts.permissions import can, object_rules
from accounts.roles import Role
from apperrors.exceptions import Forbidden, Invalid
from installations import services as commissioning
from mailin.models import InboundMessage
from mailin.services import mail_discard, mail_ingest
from masterdata.models import Contact
from objections import selectors as objection_selectors
from objections.models import Objection, Prospect, QuietContact
from objections.services import (
    objection_delete,
    objection_update,
    prospect_link_customer,
    quiet_contact_update,
)
from promises.models import Commitment
from promises.services import commitment_close, commitment_create
from tests.accounting.factories import make_dispute
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, QuietContactFactory
from tests.tickets.factories import Crew, TicketFactory, sign, step_data
from tickets import services as ticket_services
from tickets.errors import NotAllowed, WrongState
from tickets.models import Installation, SignOff, State, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(make_user, client):
    """The people, and a way to act as one of them on a page or through the API."""
    people = SimpleNamespace(
        sales=make_user(Role.SALES),
        sales2=make_user(Role.SALES),
        sales_mgr=make_user(Role.SALES_MANAGER),
        pm=make_user(Role.PROJECT_MANAGER),
        prod_mgr=make_user(Role.PRODUCTION_MANAGER),
        lead=make_user(Role.SERVICE_LEAD),
        lead2=make_user(Role.SERVICE_LEAD),
        finance=make_user(Role.FINANCE),
        finance2=make_user(Role.FINANCE),
        admin=make_user(is_staff=True),
        customer=CustomerFactory(),
    )

    def page(user):
        client.force_login(user)
        return client

    def api(user):
        api_client = APIClient()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return api_client

    people.page, people.api = page, api
    return people


# -- the records -------------------------------------------------------------------------------


def _promise(w) -> Commitment:
    return commitment_create(
        owner=w.sales,
        by=w.sales,
        description="周五前答复交货期",
        due_at=timezone.now() + datetime.timedelta(days=1),
    )


def _prospect(w) -> Prospect:
    prospect = Prospect.objects.create(name="潜在客户甲", created_by=w.sales)
    ObjectionFactory(owner=w.sales, customer=None, prospect=prospect)
    return prospect


def _crew(w) -> Crew:
    return Crew(sales=w.sales, pm=w.pm, prod=w.prod_mgr, lead=w.lead)


def _ticket(w, until: str) -> Ticket:
    """A ticket walked by the people whose job each step is, w.lead its service lead."""
    return TicketFactory(by=w.sales, state=until, people=_crew(w))


def _signed_by_pm(w) -> Ticket:
    return sign(_ticket(w, State.CONFIRMING), "pm", _crew(w))


def _installation_signed_by_pm(w) -> Installation:
    inst = commissioning.installation_create(by=w.pm, customer=w.customer, title="3 号井口装置安装")
    return commissioning.installation_sign(
        installation=inst, by=w.pm, capacity="project", rectification="已整改"
    )


def _mail_draft(w) -> InboundMessage:
    """A customer's e-mail waiting for its salesperson, w.sales."""
    customer = CustomerFactory(salesperson=w.sales)
    Contact.objects.create(customer=customer, name="王工", email="wang@cq-oil.example")
    raw = b"From: wang@cq-oil.example\r\nSubject: leak\r\nMessage-ID: <rule-1@x>\r\n\r\nleaking\r\n"
    message = mail_ingest(raw=raw)[0]
    assert message.owner == w.sales and message.status == InboundMessage.Status.DRAFT
    return message


def _draft_voucher(w) -> Voucher:
    accounting_services.chart_ensure()
    dispute = make_dispute(w.finance)
    return accounting_services.dispute_generate_vouchers(dispute=dispute, by=w.finance)[0]


# -- acting on them --------------------------------------------------------------------------


def _transition(name: str):
    def service(w, user, ticket):
        data = (
            {"capacity": "production_manager", "comment": "预防措施不足"}
            if name in ("sign_off", "dispute")
            else {}
        )
        return ticket_services.ticket_transition(
            ticket=ticket, to=name, by=user, data=data or step_data(name, w)
        )

    def page(w, user, ticket):
        data = (
            {"capacity": "production_manager", "comment": "预防措施不足"}
            if name in ("sign_off", "dispute")
            else {}
        )
        return (
            w.api(user)
            .post(
                reverse("api-tickets-transition", args=[ticket.number]),
                {"action": name, "data": data or step_data(name, w)},
                format="json",
            )
            .status_code
        )

    return service, page


def _moved(ticket: Ticket) -> bool:
    return Ticket.objects.get(pk=ticket.pk).state != ticket.state


def _unsatisfied(ticket: Ticket) -> bool:
    return Ticket.objects.get(pk=ticket.pk).customer_unsatisfied


def _second_signature(ticket: Ticket) -> bool:
    return SignOff.objects.filter(ticket=ticket).count() > 1


def _promise_page(w, user, promise):
    return w.page(user).post(reverse("commitment-close", args=[promise.pk]), {"kept": "0"}).status_code


def _objection_api(method: str):
    def page(w, user, objection):
        url = f"/api/objections/{objection.pk}/"
        client = w.api(user)
        if method == "patch":
            return client.patch(url, {"response": "改用案例法回应"}, format="json").status_code
        return client.delete(url).status_code

    return page


@dataclass
class Case:
    build: Callable[[Any], Any]
    may: tuple[str, ...]
    may_not: tuple[str, ...]  # each holds the action's roles: only the rule on the record refuses them
    service: Callable[[Any, Any, Any], Any]
    refusal: type[Exception]
    page: Callable[[Any, Any, Any], int]
    page_ok: int
    page_refused: int
    done: Callable[[Any], bool] | None  # whether the action took effect (None: a read)


_sign_service, _sign_page = _transition("sign_off")
_dispute_service, _dispute_page = _transition("dispute")

CASES: dict[str, Case] = {
    # A draft from a customer's e-mail is its salesperson's (or a sales manager's) to handle.
    "mailin.handle": Case(
        build=_mail_draft,
        may=("sales", "sales_mgr"),
        may_not=("sales2",),
        service=lambda w, u, m: mail_discard(message=m, by=u, reason="询价，不是投诉"),
        refusal=Forbidden,
        page=lambda w, u, m: (
            w.page(u).post(reverse("mailin:discard", args=[m.pk]), {"reason": "询价"}).status_code
        ),
        page_ok=302,
        page_refused=404,  # another salesperson's mail is not shown to them at all
        done=lambda m: InboundMessage.objects.get(pk=m.pk).status == InboundMessage.Status.DISCARDED,
    ),
    "commitments.close": Case(
        build=_promise,
        may=("sales", "sales_mgr"),  # the owner; their own manager
        may_not=("sales2", "prod_mgr", "admin"),  # a colleague; another team's manager; an admin
        service=lambda w, u, c: commitment_close(commitment=c, by=u, kept=False),
        refusal=Forbidden,
        page=_promise_page,
        page_ok=302,
        page_refused=403,
        done=lambda c: Commitment.objects.get(pk=c.pk).status != Commitment.Status.OPEN,
    ),
    "objections.view": Case(
        build=lambda w: ObjectionFactory(owner=w.sales),
        may=("sales", "sales_mgr", "admin"),
        may_not=("sales2",),
        service=lambda w, u, o: objection_selectors.objections_visible_to(u).get(pk=o.pk),
        refusal=Objection.DoesNotExist,
        page=lambda w, u, o: w.page(u).get(reverse("objections:detail", args=[o.pk])).status_code,
        page_ok=200,
        page_refused=404,
        done=None,
    ),
    "objections.edit": Case(
        build=lambda w: ObjectionFactory(owner=w.sales),
        may=("sales", "admin"),
        may_not=("sales_mgr", "sales2"),  # the manager reads and coaches; the record stays the salesperson's
        service=lambda w, u, o: objection_update(objection=o, by=u, response="改用案例法回应"),
        refusal=Forbidden,
        page=_objection_api("patch"),
        page_ok=200,
        page_refused=403,
        done=lambda o: Objection.objects.get(pk=o.pk).response == "改用案例法回应",
    ),
    "objections.delete": Case(
        build=lambda w: ObjectionFactory(owner=w.sales),
        may=("sales", "admin"),
        may_not=("sales_mgr", "sales2"),
        service=lambda w, u, o: objection_delete(objection=o, by=u),
        refusal=Forbidden,
        page=_objection_api("delete"),
        page_ok=204,
        page_refused=403,
        done=lambda o: not Objection.objects.filter(pk=o.pk).exists(),
    ),
    "objections.quiet_edit": Case(
        build=lambda w: QuietContactFactory(owner=w.sales),
        may=("sales", "sales_mgr", "admin"),  # the manager follows these sales up too
        may_not=("sales2",),
        service=lambda w, u, c: quiet_contact_update(contact=c, by=u, note="客户终于问了交货期"),
        refusal=Forbidden,
        page=lambda w, u, c: (
            w.api(u)
            .patch(f"/api/objections/quiet/{c.pk}/", {"note": "客户终于问了交货期"}, format="json")
            .status_code
        ),
        page_ok=200,
        page_refused=404,  # another salesperson's entry is not found
        done=lambda c: QuietContact.objects.get(pk=c.pk).note == "客户终于问了交货期",
    ),
    "objections.link_prospect": Case(
        build=_prospect,
        may=("sales", "sales_mgr"),
        may_not=("sales2",),
        service=lambda w, u, p: prospect_link_customer(prospect=p, customer=w.customer, by=u),
        refusal=Forbidden,
        page=lambda w, u, p: (
            w.page(u)
            .post(reverse("objections:prospect-link", args=[p.pk]), {"customer": w.customer.pk})
            .status_code
        ),
        page_ok=302,
        page_refused=403,
        done=lambda p: Prospect.objects.get(pk=p.pk).customer_id is not None,
    ),
    **{
        f"tickets.{name}": Case(
            build=lambda w, until=until: _ticket(w, until),
            may=("lead", "admin"),
            may_not=("lead2",),  # a service lead, not this ticket's
            service=_transition(name)[0],
            refusal=NotAllowed,
            page=_transition(name)[1],
            page_ok=200,
            page_refused=403,
            done=done,
        )
        for name, until, done in [
            ("escalate", State.ASSIGNED, _moved),
            ("start_service", State.ASSIGNED, _moved),
            ("submit_disposition", State.IN_SERVICE, _moved),
            ("lead_dispute", State.CONFIRMING, _moved),
            # the ticket stays in service, now waiting for a satisfied customer
            ("customer_unsatisfied", State.IN_SERVICE, _unsatisfied),
        ]
    },
    "tickets.sign_off": Case(
        build=_signed_by_pm,
        may=("prod_mgr",),
        may_not=("pm",),  # has signed already: no capacity of theirs is still unsigned
        service=_sign_service,
        refusal=WrongState,
        page=_sign_page,
        page_ok=200,
        page_refused=409,
        done=_second_signature,
    ),
    "tickets.dispute": Case(
        build=_signed_by_pm,
        may=("prod_mgr",),
        may_not=("pm",),
        service=_dispute_service,
        refusal=WrongState,
        page=_dispute_page,
        page_ok=200,
        page_refused=409,
        done=_second_signature,
    ),
    "accounting.voucher_review": Case(
        build=_draft_voucher,
        may=("finance2", "admin"),
        may_not=("finance",),  # four eyes: the preparer never reviews their own voucher
        service=lambda w, u, v: accounting_services.voucher_review(voucher=v, by=u),
        refusal=Invalid,
        # the page answers both with a redirect and a message; what changed tells them apart
        page=lambda w, u, v: (
            w.page(u).post(reverse("accounting:voucher_action", args=[v.pk, "review"])).status_code
        ),
        page_ok=302,
        page_refused=302,
        done=lambda v: Voucher.objects.get(pk=v.pk).state == Voucher.State.REVIEWED,
    ),
    "tickets.installation_sign": Case(
        build=_installation_signed_by_pm,
        may=("prod_mgr",),
        may_not=("pm",),
        service=lambda w, u, i: commissioning.installation_sign(installation=i, by=u, capacity="production"),
        refusal=NotAllowed,
        # the page answers both with a redirect and a message; what changed tells them apart
        page=lambda w, u, i: (
            w.page(u)
            .post(
                reverse("tickets:installation_sign", args=[i.pk]),
                {"capacity": "production", "rectification": ""},
            )
            .status_code
        ),
        page_ok=302,
        page_refused=302,
        done=lambda i: Installation.objects.get(pk=i.pk).production_signed_by_id is not None,
    ),
}


def test_the_table_names_every_object_rule():
    assert set(CASES) == set(object_rules())


@pytest.mark.parametrize("action", sorted(object_rules()))
def test_rule_permits_and_refuses(w, action):
    case = CASES[action]
    record = case.build(w)
    for name in case.may:
        user = getattr(w, name)
        assert can(user, action, record), f"{name} should be allowed to {action}"
        assert user.has_perm(action, record), "the rules backend gives the same answer"
        user.is_active = False
        assert not can(user, action, record), "a deactivated account may do nothing"
        user.is_active = True
    for name in case.may_not:
        user = getattr(w, name)
        assert can(user, action), f"{name} holds the role: the record's rule must be what refuses"
        assert user.has_perm(action), "without a record, has_perm answers by the role as can() does"
        assert not can(user, action, record), f"{name} should not be allowed to {action}"
        assert not user.has_perm(action, record)


@pytest.mark.parametrize("action", sorted(CASES))
def test_service_refuses_then_allows(w, action):
    case = CASES[action]
    record = case.build(w)
    with pytest.raises(case.refusal):
        case.service(w, getattr(w, case.may_not[0]), record)
    if case.done:
        assert not case.done(record), "a refusal changes nothing"
    case.service(w, getattr(w, case.may[0]), record)
    if case.done:
        assert case.done(record)


@pytest.mark.parametrize("action", sorted(CASES))
def test_page_or_api_refuses_then_allows(w, action):
    case = CASES[action]
    record = case.build(w)
    assert case.page(w, getattr(w, case.may_not[0]), record) == case.page_refused
    if case.done:
        assert not case.done(record)
    assert case.page(w, getattr(w, case.may[0]), record) == case.page_ok
    if case.done:
        assert case.done(record)


# -- named rules a user would describe -----------------------------------------------------


def test_a_promise_can_only_be_closed_by_its_owner_or_their_own_manager(w):
    for closer in (w.sales, w.sales_mgr):
        promise = _promise(w)
        commitment_close(commitment=promise, by=closer, kept=False)
        promise.refresh_from_db()
        assert promise.status == Commitment.Status.BROKEN and promise.closed_by == closer
    promise = _promise(w)
    for outsider in (w.sales2, w.prod_mgr, w.admin):
        with pytest.raises(Forbidden):
            commitment_close(commitment=promise, by=outsider, kept=False)
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN and promise.closed_by is None


def test_the_ticket_page_offers_the_lead_actions_only_to_the_tickets_lead(w):
    ticket = _ticket(w, State.ASSIGNED)
    offered = {t.name for t in ticket_services.allowed_transitions(ticket, w.lead)}
    assert {"start_service", "escalate"} <= offered
    assert not {t.name for t in ticket_services.allowed_transitions(ticket, w.lead2)} & offered
    body = w.page(w.lead2).get(ticket.get_absolute_url()).content.decode()
    assert reverse("tickets:act", args=[ticket.number, "start_service"]) not in body
    body = w.page(w.lead).get(ticket.get_absolute_url()).content.decode()
    assert reverse("tickets:act", args=[ticket.number, "start_service"]) in body


# -- the list filters say the same as the rules ----------------------------------------------


def test_objection_list_filters_agree_with_the_object_rules(w, make_user):
    users = [w.sales, w.sales2, w.sales_mgr, w.admin, w.pm, make_user(Role.SALES, is_active=False)]
    objections = [ObjectionFactory(owner=w.sales), ObjectionFactory(owner=w.sales2), ObjectionFactory()]
    for user in users:
        visible = set(objection_selectors.objections_visible_to(user).values_list("pk", flat=True))
        editable = set(objection_selectors.objections_editable_by(user).values_list("pk", flat=True))
        for o in objections:
            assert (o.pk in visible) == can(user, "objections.view", o), (user, o)
            assert (o.pk in editable) == can(user, "objections.edit", o), (user, o)
            assert objection_selectors.can_open(user, o) == (o.pk in visible)


# -- templates and the admin ask the same rules ----------------------------------------------


def test_the_voucher_page_offers_review_only_to_another_finance_colleague(w):
    voucher = _draft_voucher(w)
    url = reverse("accounting:voucher_detail", args=[voucher.pk])
    body = w.page(w.finance).get(url).content.decode()
    assert 'id="review-not-yours"' in body and 'id="btn-review"' not in body
    body = w.page(w.finance2).get(url).content.decode()
    assert 'id="btn-review"' in body and 'id="review-not-yours"' not in body


def test_template_tag_asks_the_rule_on_the_record(w):
    objection = ObjectionFactory(owner=w.sales)
    tpl = Template(
        '{% load ui_tags %}{% can_do u "objections.edit" o as ok %}{{ ok }}|{{ u|can:"objections.log" }}'
    )
    assert tpl.render(Context({"u": w.sales, "o": objection})) == "True|True"
    assert tpl.render(Context({"u": w.sales_mgr, "o": objection})) == "False|True"


def test_the_admin_closes_a_promise_only_by_the_same_rule(w, make_user, client):
    root = make_user(is_staff=True, is_superuser=True)
    own = commitment_create(
        owner=root, by=root, description="回电", due_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(root)
    body = client.get(reverse("admin:core_commitment_change", args=[_promise(w).pk])).content.decode()
    assert 'name="status"' not in body and 'name="description"' in body  # the rest stays editable
    body = client.get(reverse("admin:core_commitment_change", args=[own.pk])).content.decode()
    assert 'name="status"' in body


def test_the_admin_changes_and_deletes_objections_by_the_same_rule(w, rf):

    objection = ObjectionFactory(owner=w.sales)
    model_admin = site._registry[Objection]
    perms = Permission.objects.filter(codename__in=["change_objection", "delete_objection"])
    for user in (w.sales, w.sales_mgr):
        user.user_permissions.add(*perms)
    request = rf.get("/")
    request.user = type(w.sales).objects.get(pk=w.sales.pk)  # a fresh permission cache
    assert model_admin.has_change_permission(request, objection)
    assert model_admin.has_delete_permission(request, objection)
    request.user = type(w.sales_mgr).objects.get(pk=w.sales_mgr.pk)
    assert model_admin.has_change_permission(request)  # the model permission itself is there
    assert not model_admin.has_change_permission(request, objection)
    assert not model_admin.has_delete_permission(request, objection)
