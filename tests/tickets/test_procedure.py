"""Issue 14: the written procedure's steps the workflow did not follow yet, through the pages
and the API (docs/workflow.md, "Procedure"): the service lead may dispute the corrective
actions (§3-5.2.7); only a satisfied customer starts the sign-offs (§3-5.2.6); the intake's
cc follows the remedy and the departments sales chooses (§3-5.2.1); the standard or drawing a
complaint is judged against is recorded (§3-3.5)."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from notify.models import Notification
from tests.tickets.factories import act, api_intake, intake_data, step_data
from tickets import services
from tickets.errors import MissingData, NotAllowed, WrongState
from tickets.models import Disposition, State, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return as_user


def act_api(client, ticket, action, data):
    return client.post(
        reverse("api-tickets-transition", args=[ticket.number]),
        {"action": action, "data": data},
        format="json",
    )


def act_page(client, ticket, action, data):
    body = {f"{action}-{k}": v for k, v in data.items()} | {
        "version": Ticket.objects.get(pk=ticket.pk).version
    }
    return client.post(reverse("tickets:act", args=[ticket.number, action]), body, follow=True)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def told(ticket, action) -> dict[str, bool]:
    """Who was told of the action: username → copied (True) or addressed (False)."""
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:{action}:")
    return {n.recipient.username: n.cc for n in rows}


# -- §3-5.2.7: the service lead disputes the corrective actions -------------------------------


def test_the_service_lead_disputes_the_corrective_actions_from_the_page(client, people, new_ticket, walk):
    ticket = services.ticket_transition(
        ticket=walk(new_ticket(), State.CONFIRMING),
        to="sign_off",
        by=people.pm,
        data={"capacity": "project_manager"},
    )
    client.force_login(people.lead)
    assert "对纠正措施提出异议(售后负责人)" in client.get(ticket.get_absolute_url()).content.decode()
    response = act_page(client, ticket, "lead_dispute", {"reason": "纠正措施没有覆盖同批次其他井"})
    body = response.content.decode()
    ticket = fresh(ticket)
    assert ticket.state == State.QC_REVIEW and "纠正措施没有覆盖同批次其他井" in body
    # The project manager's signature was on the disputed form: a new form needs both again.
    assert not ticket.pm_signed and not ticket.production_signed
    event = ticket.events.order_by("-seq").first()
    assert (event.action, event.actor, event.text) == (
        "lead_dispute",
        people.lead,
        "纠正措施没有覆盖同批次其他井",
    )
    assert set(told(ticket, "lead_dispute")) >= {"qc", "pm", "prod"}


def test_the_lead_dispute_needs_a_reason_and_the_tickets_own_lead(api, people, new_ticket, walk, make_user):
    ticket = walk(new_ticket(), State.CONFIRMING)
    missing = act_api(api(people.lead), ticket, "lead_dispute", {})
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    other = make_user(Role.SERVICE_LEAD, username="lead2")
    refused = act_api(api(other), ticket, "lead_dispute", {"reason": "不同意"})
    assert refused.status_code == 403
    assert (
        "lead_dispute"
        not in api(other).get(reverse("api-tickets-detail", args=[ticket.number])).json()["allowed_actions"]
    )
    assert fresh(ticket).state == State.CONFIRMING
    ok = act_api(api(people.lead), ticket, "lead_dispute", {"reason": "不同意"})
    assert ok.status_code == 200 and ok.json()["state"] == "qc_review"


def test_the_lead_cannot_dispute_before_the_form_is_submitted(people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    with pytest.raises(WrongState):
        services.ticket_transition(ticket=ticket, to="lead_dispute", by=people.lead, data={"reason": "x"})


# -- §3-5.2.6: the sign-offs start once the customer is satisfied --------------------------


def test_a_form_the_customer_is_not_satisfied_with_cannot_go_to_the_sign_offs(
    client, api, people, new_ticket, walk
):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    for satisfaction in ("partly", "unsatisfied"):
        data = step_data("submit_disposition", people) | {"satisfaction": satisfaction}
        response = act_api(api(people.lead), ticket, "submit_disposition", data)
        assert response.status_code == 400 and "satisfaction" in response.json()["errors"]
    client.force_login(people.lead)
    data = step_data("submit_disposition", people) | {"satisfaction": "unsatisfied"}
    response = act_page(client, ticket, "submit_disposition", data)
    assert "客户满意后处置单才能提交签字确认" in response.content.decode()
    ticket = fresh(ticket)
    assert ticket.state == State.IN_SERVICE and not ticket.dispositions.exists()


def test_an_unsatisfied_customer_keeps_the_ticket_in_service_with_what_they_said(
    client, people, new_ticket, walk
):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.lead)
    response = act_page(client, ticket, "customer_unsatisfied", step_data("customer_unsatisfied", people))
    body = response.content.decode()
    ticket = fresh(ticket)
    assert ticket.state == State.IN_SERVICE and ticket.customer_unsatisfied
    assert "第三根还在漏" in body and 'id="customer-unsatisfied"' in body
    form = ticket.dispositions.get()
    assert (
        form.satisfaction == Disposition.Satisfaction.UNSATISFIED and form.customer_feedback == "第三根还在漏"
    )
    assert "第三根还在漏" in ticket.events.order_by("-seq").first().shown_text
    # Sales, who logged it, and both managers hear of it.
    assert {"sales", "pm", "prod"} <= set(told(ticket, "customer_unsatisfied"))
    # The "not satisfied" form offers no "satisfied": that is the other action.
    client.force_login(people.lead)
    page = client.get(ticket.get_absolute_url()).content.decode()
    select = page[page.index('name="customer_unsatisfied-satisfaction"') :]
    assert 'value="satisfied"' not in select[: select.index("</select>")]
    # Nobody may sign yet: the ticket is not waiting for sign-offs.
    assert not any(t.name == "sign_off" for t in services.allowed_transitions(ticket, people.pm))


def test_a_new_satisfied_form_after_more_work_goes_to_the_sign_offs(people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    ticket = act(ticket, "customer_unsatisfied", people)
    ticket = act(ticket, "submit_disposition", people)
    assert ticket.state == State.CONFIRMING and not ticket.customer_unsatisfied
    assert ticket.dispositions.count() == 2


def test_an_unsatisfied_customer_may_send_the_ticket_to_a_qc_review(people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    ticket = act(ticket, "customer_unsatisfied", people)
    ticket = services.ticket_transition(
        ticket=ticket, to="escalate", by=people.lead, data={"reason": "客户不满意"}
    )
    assert ticket.state == State.QC_REVIEW and not ticket.customer_unsatisfied
    # Back from the review, the old form cannot be pushed through: a new one is needed.
    ticket = act(ticket, "conclude_review", people)
    with pytest.raises(WrongState):
        services.ticket_transition(
            ticket=ticket, to="override_satisfaction", by=people.pm, data={"reason": "x"}
        )


def test_a_manager_overrides_with_a_reason(api, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    # Nothing to override while no unsatisfied form is kept.
    refused = act_api(api(people.pm), ticket, "override_satisfaction", {"reason": "合同外要求"})
    assert refused.status_code == 409
    ticket = act(ticket, "customer_unsatisfied", people)
    detail = api(people.prod).get(reverse("api-tickets-detail", args=[ticket.number])).json()
    assert detail["customer_unsatisfied"] is True and "override_satisfaction" in detail["allowed_actions"]
    assert act_api(api(people.prod), ticket, "override_satisfaction", {}).status_code == 400
    assert act_api(api(people.lead), ticket, "override_satisfaction", {"reason": "x"}).status_code == 403
    ok = act_api(
        api(people.prod), ticket, "override_satisfaction", {"reason": "客户要求的额外赔偿不在合同范围内"}
    )
    assert ok.status_code == 200 and ok.json()["state"] == "confirming"
    ticket = fresh(ticket)
    assert not ticket.customer_unsatisfied
    assert ticket.events.order_by("-seq").first().shown_text == "客户要求的额外赔偿不在合同范围内"
    # The kept form is the one both managers now sign.
    ticket = services.ticket_transition(
        ticket=ticket, to="sign_off", by=people.pm, data={"capacity": "project_manager"}
    )
    assert ticket.signoffs.get().disposition.satisfaction == Disposition.Satisfaction.UNSATISFIED
    assert {"lead", "sales"} <= set(told(ticket, "override_satisfaction"))


def test_only_the_lead_records_the_customer_is_not_satisfied(people, new_ticket, walk, make_user):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    data = step_data("customer_unsatisfied", people)
    with pytest.raises(NotAllowed):
        services.ticket_transition(ticket=ticket, to="customer_unsatisfied", by=people.pm, data=data)
    with pytest.raises(NotAllowed):
        services.ticket_transition(
            ticket=ticket,
            to="customer_unsatisfied",
            by=make_user(Role.SERVICE_LEAD, username="l2"),
            data=data,
        )
    with pytest.raises(MissingData) as exc:
        services.ticket_transition(
            ticket=ticket, to="customer_unsatisfied", by=people.lead, data=data | {"customer_feedback": ""}
        )
    assert "customer_feedback" in exc.value.errors
    with pytest.raises(MissingData):  # "satisfied" is the submit action's, not this one's
        services.ticket_transition(
            ticket=ticket,
            to="customer_unsatisfied",
            by=people.lead,
            data=data | {"satisfaction": "satisfied"},
        )
    assert not fresh(ticket).customer_unsatisfied


# -- §3-5.2.1: who is copied at intake -----------------------------------------------------


def _intake_post(shipment, **overrides) -> dict:
    data = intake_data(shipment)
    data.update(
        customer=shipment.customer.pk, shipment=shipment.pk, quantity="3", intake_token=str(uuid.uuid4())
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_intake_copies_the_chosen_departments_and_always_the_procedures(client, people, shipment):
    client.force_login(people.sales)
    page = client.get(reverse("tickets:intake")).content.decode()
    assert 'name="cc_departments"' in page and "抄送部门" in page
    response = client.post(
        reverse("tickets:intake"),
        _intake_post(shipment, remedy="repair", cc_departments=["finance"]),
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.cc_departments == ["qc", "technical", "finance"]
    assert told(ticket, "received") == {"pm": False, "prod": False, "qc": True, "tech": True, "finance": True}
    assert "财务" in response.content.decode()


def test_a_return_copies_the_sales_manager_and_an_exchange_the_project_manager(people, new_ticket):
    ret = new_ticket(remedy="return")
    assert ret.cc_departments == ["qc", "technical", "sales_manager"]
    assert told(ret, "received")["salesmgr"] is True
    exchange = new_ticket(remedy="exchange")
    assert exchange.cc_departments == ["project_manager", "qc", "technical"]
    assert told(exchange, "received")["pm"] is False  # addressed already, not copied twice
    assert "salesmgr" not in told(exchange, "received")


def test_the_page_says_who_leads_each_remedy(client, people, new_ticket):
    ret = new_ticket(remedy="return")
    exchange = new_ticket(remedy="exchange")
    client.force_login(people.qc)
    body = client.get(ret.get_absolute_url()).content.decode()
    assert "退货由业务主导" in body
    assert "销售经理" in body[body.index('id="cc-departments"') :][:300]
    body = client.get(exchange.get_absolute_url()).content.decode()
    assert "由业务通知项目经理协调" in body
    assert "项目经理" in body[body.index('id="cc-departments"') :][:300]


def test_a_return_copies_who_logged_it_on_later_steps(people, new_ticket, walk):
    ret = new_ticket(remedy="return")
    walk(ret, State.PLANNED)
    assert told(ret, "plan").get("sales") is True
    other = new_ticket(remedy="repair")
    walk(other, State.PLANNED)
    assert "sales" not in told(other, "plan")


def test_the_api_takes_the_departments_and_refuses_unknown_ones(api, people, shipment):
    client = api(people.sales)
    body = api_intake(shipment)
    bad = client.post(reverse("api-tickets-list"), body | {"cc_departments": ["nobody"]}, format="json")
    assert bad.status_code == 400 and not Ticket.objects.exists()
    ok = client.post(reverse("api-tickets-list"), body | {"cc_departments": ["purchasing"]}, format="json")
    assert ok.status_code == 201 and ok.json()["cc_departments"] == ["qc", "technical", "purchasing"]
    assert told(Ticket.objects.get(), "received")["buyer"] is True


# -- §3-3.5: the standard or drawing -------------------------------------------------------


def test_the_qc_review_and_the_disposition_record_the_standard(client, api, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    ticket = services.ticket_transition(
        ticket=ticket, to="escalate", by=people.lead, data={"reason": "找不到原因"}
    )
    client.force_login(people.qc)
    review = step_data("conclude_review", people) | {
        "technical_reference": "API 5CT-2024",
        "technical_url": "https://docs.example.com/api-5ct.pdf",
    }
    body = act_page(client, ticket, "conclude_review", review).content.decode()
    assert fresh(ticket).state == State.IN_SERVICE
    assert (
        "API 5CT-2024" in body
        and 'href="https://docs.example.com/api-5ct.pdf"' in body
        and "标准或图纸" in body
    )
    # The disposition form starts from the review's reference.
    client.force_login(people.lead)
    page = client.get(ticket.get_absolute_url()).content.decode()
    field = page[page.index('name="submit_disposition-technical_reference"') :][:200]
    assert 'value="API 5CT-2024"' in field
    data = step_data("submit_disposition", people) | {"technical_reference": "图 TG-1102-03"}
    act_page(client, ticket, "submit_disposition", data)
    assert fresh(ticket).state == State.CONFIRMING
    printed = client.get(reverse("tickets:disposition", args=[ticket.number])).content.decode()
    assert "图 TG-1102-03" in printed and "标准或图纸" in printed
    detail = api(people.qc).get(reverse("api-tickets-detail", args=[ticket.number])).json()
    assert [(r["step"], r["reference"], r["url"]) for r in detail["technical_references"]] == [
        ("qc_review", "API 5CT-2024", "https://docs.example.com/api-5ct.pdf"),
        ("disposition", "图 TG-1102-03", ""),
    ]


def test_a_link_without_its_number_is_refused(api, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    data = step_data("submit_disposition", people) | {"technical_url": "https://docs.example.com/x.pdf"}
    response = act_api(api(people.lead), ticket, "submit_disposition", data)
    assert response.status_code == 400 and "technical_reference" in response.json()["errors"]
    bad_url = step_data("submit_disposition", people) | {
        "technical_reference": "X",
        "technical_url": "not a url",
    }
    response = act_api(api(people.lead), ticket, "submit_disposition", bad_url)
    assert response.status_code == 400 and "technical_url" in response.json()["errors"]
    assert fresh(ticket).state == State.IN_SERVICE
