"""What to say on the phone (issue 17, point 6): the guide's techniques beside the intake and
follow-up fields, and a shared, editable library of reply templates filled from the complaint."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apperrors.exceptions import Forbidden, Invalid
from phrases.models import ReplyTemplate
from phrases.services import reply_template_save
from promises.services import commitment_promise
from tickets.models import State

pytestmark = pytest.mark.django_db

CALLBACK = "{联系人}您好，{单号}还在分析，我会在{回电时间}前回电。——{我}（{客户}）"


def test_the_intake_and_follow_up_show_the_techniques(client, people, new_ticket, walk):
    client.force_login(people.sales)
    intake = client.get(reverse("tickets:intake")).content.decode()
    for title in ("认同客户的感受", "“何时”法提问", "诚实地承诺"):
        assert title in intake
    ticket = walk(new_ticket(), State.ARCHIVED)
    page = client.get(ticket.get_absolute_url()).content.decode()
    follow_up = page[page.index('id="action-follow_up"') :]
    assert "诚实地承诺" in follow_up[: follow_up.index("</details>")]


def test_a_template_is_filled_from_the_complaint_on_its_page(client, people, new_ticket):
    ticket = new_ticket(caller_name="王工")
    due = (timezone.now() + datetime.timedelta(days=1)).replace(hour=15, minute=30, second=0, microsecond=0)
    commitment_promise(source=ticket, by=people.sales, description="告知结果", due_at=due)
    reply_template_save(by=people.sales, title="约定回电", use="progress", body=CALLBACK)
    client.force_login(people.sales)
    page = client.get(ticket.get_absolute_url()).content.decode()
    local = timezone.localtime(due)
    expected = (
        f"王工您好，{ticket.number}还在分析，我会在{local:%m月%d日 %H:%M}前回电。"
        f"——{people.sales.display_name}（{ticket.customer.name}）"
    )
    assert expected in page


def test_a_missing_value_leaves_a_visible_gap_not_a_guess(client, people, new_ticket):
    ticket = new_ticket(caller_name="")
    reply_template_save(by=people.sales, title="约定回电", use="progress", body=CALLBACK)
    client.force_login(people.sales)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "____您好" in page and "在____前回电" in page


def test_unknown_placeholders_and_duplicate_titles_are_refused(client, people):
    with pytest.raises(Invalid) as err:
        reply_template_save(by=people.sales, title="错", use="intake", body="{客户}您好，{订单号}已收到")
    assert "{订单号}" in err.value.errors["body"][0]
    reply_template_save(by=people.sales, title="问候", use="intake", body="您好")
    client.force_login(people.lead)
    r = client.post(
        reverse("phrases:new"), {"title": "问候", "use": "intake", "body": "{客户}您好", "active": "on"}
    )
    assert r.status_code == 200 and "已有同名模板" in r.content.decode()
    assert ReplyTemplate.objects.count() == 1


def test_the_library_is_shared_and_changes_keep_their_history(client, people):
    row = reply_template_save(by=people.sales, title="问候", use="intake", body="您好")
    client.force_login(people.lead)
    r = client.post(
        reverse("phrases:edit", args=[row.pk]), {"title": "问候", "use": "intake", "body": "{联系人}您好"}
    )
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.body == "{联系人}您好" and not row.active  # unticked "in use"
    assert [h.history_user for h in row.history.order_by("history_date")] == [people.sales, people.lead]


def test_who_may_edit(client, people):
    with pytest.raises(Forbidden):
        reply_template_save(by=people.finance, title="x", use="intake", body="y")
    client.force_login(people.gm)
    assert client.get(reverse("phrases:list")).status_code == 200  # reads
    assert client.get(reverse("phrases:new")).status_code == 403


def test_the_api_lists_fills_and_refuses(client, people, new_ticket):
    ticket = new_ticket(caller_name="李工")
    client.force_login(people.sales)
    r = client.post(
        "/api/phrases/",
        {"title": "问候", "use": "intake", "body": "{联系人}您好，{单号}"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    rows = client.get(f"/api/phrases/?ticket={ticket.number}").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows[0]["filled"] == f"李工您好，{ticket.number}"
    r = client.post(
        "/api/phrases/", {"title": "坏", "use": "intake", "body": "{不存在}"}, content_type="application/json"
    )
    assert r.status_code == 400 and "body" in r.json()["errors"]
    client.force_login(people.finance)
    r = client.post(
        "/api/phrases/", {"title": "x", "use": "intake", "body": "y"}, content_type="application/json"
    )
    assert r.status_code == 403 and ReplyTemplate.objects.count() == 1
    assert client.get("/api/phrases/").status_code == 200
