"""Everyone knows what happens next (issue 15 points 1 and 2): the ticket, the message after
an action and the e-mail name who the ticket waits for; the normal next action is the open
form, the ways out of the normal path are closed and come last; sales' "my work" holds what
waits for them, their other open complaints are listed apart under "I follow up"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notify.models import Notification
from promises.models import Commitment
from tests.tickets.factories import step_data
from tickets import services
from tickets.models import State

pytestmark = pytest.mark.django_db


def _actions(body: str) -> list[tuple[str, bool]]:
    """(action name, open?) in page order."""
    return [
        (m.group(2), m.group(1) is not None)
        for m in re.finditer(r'<details class="action-card[^"]*"( open)? id="action-(\w+)"', body)
    ]


def test_the_lead_sees_the_next_step_open_and_the_escalation_closed_last(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ASSIGNED)
    client.force_login(people.lead)
    actions = _actions(client.get(ticket.get_absolute_url()).content.decode())
    assert actions[0] == ("start_service", True)
    assert actions[-1] == ("escalate", False)


def test_after_the_archive_qc_finds_reopen_closed(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ARCHIVED)
    client.force_login(people.qc)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert ("reopen", False) in _actions(body) and "其他选择" in body


def test_a_form_sent_back_with_errors_is_the_open_one(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ASSIGNED)
    client.force_login(people.lead)
    response = client.post(
        reverse("tickets:act", args=[ticket.number, "escalate"]), {"version": ticket.version}
    )
    assert response.status_code == 400
    assert dict(_actions(response.content.decode())) == {"start_service": False, "escalate": True}


def test_the_message_after_an_action_and_the_email_say_who_is_next(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.pm)
    data = {f"plan-{k}": v for k, v in step_data("plan", people).items()} | {"version": ticket.version}
    response = client.post(reverse("tickets:act", args=[ticket.number, "plan"]), data, follow=True)
    body = response.content.decode()
    assert "下一步：等待 生产经理" in body and people.prod.display_name in body
    mail = Notification.objects.get(event="ticket.plan", recipient=people.prod)
    assert "下一步" in mail.body and "指派" in mail.body and people.prod.display_name in mail.body


def test_sales_my_work_holds_what_waits_for_them_and_lists_the_rest_apart(client, people, new_ticket, walk):
    open_one = new_ticket()
    archived = walk(new_ticket(), State.ARCHIVED)  # the follow-up call waits for them
    client.force_login(people.sales)
    body = client.get(reverse("tickets:my_work")).content.decode()
    waiting, following = body.split('id="following"', 1)
    assert archived.number in waiting and open_one.number not in waiting
    assert open_one.number in following
    assert "1 张工单待您处理" in waiting  # the follow-up call, not the open complaint


def test_a_purchase_request_is_confirmed_and_open_ones_are_flagged_where_the_service_ends(
    client, people, new_ticket, walk
):
    ticket = walk(new_ticket(), State.IN_SERVICE)  # the assignment asked for 接箍 × 3
    client.force_login(people.lead)
    response = client.post(
        reverse("tickets:add_purchase", args=[ticket.number]),
        {"item": "密封圈", "quantity": "2"},
        follow=True,
    )
    body = response.content.decode()
    assert "已添加采购申请：密封圈 × 2。" in body
    disposition = re.search(r'id="action-submit_disposition".*?</details>', body, re.S).group(0)
    assert "还有 2 项采购申请未完成" in disposition and "接箍" in disposition and "密封圈" in disposition
    progress = re.search(r'id="action-progress".*?</details>', body, re.S).group(0)
    assert "采购申请未完成" not in progress


def test_the_follow_up_names_the_call_back_promise_and_keeps_it(client, people, new_ticket, walk):
    due = timezone.now() + datetime.timedelta(hours=4)
    ticket = walk(new_ticket(callback_due_at=due, callback_note="回电告知处理方案"), State.ARCHIVED)
    promise = Commitment.objects.get(description="回电告知处理方案")
    assert promise.status == Commitment.Status.OPEN
    client.force_login(people.sales)
    body = client.get(ticket.get_absolute_url()).content.decode()
    follow_up = re.search(r'id="action-follow_up".*?</form>', body, re.S).group(0)  # its form (prompts nest)
    assert "本次回访即兑现承诺：回电告知处理方案" in follow_up
    data = {
        "follow_up-note": "客户满意，已回电",
        "follow_up-satisfaction": "satisfied",
        "version": ticket.version,
    }
    client.post(reverse("tickets:act", args=[ticket.number, "follow_up"]), data)
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.KEPT and promise.closed_by == people.sales
    assert promise.outcome_note == "客户满意，已回电"


def test_a_promise_the_follower_may_not_close_stays_open(people, new_ticket, walk, make_user):
    ticket = walk(new_ticket(), State.ARCHIVED)
    other = Commitment.objects.create(
        owner=make_user("sales"),
        created_by=people.sales,
        description="别人的承诺",
        due_at=timezone.now() + datetime.timedelta(days=1),
        source=ticket,
    )
    services.ticket_transition(
        ticket=ticket, to="follow_up", by=people.sales, data={"note": "已回访", "satisfaction": "satisfied"}
    )
    other.refresh_from_db()
    assert other.status == Commitment.Status.OPEN
