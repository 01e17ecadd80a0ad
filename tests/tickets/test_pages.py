"""The pages: intake, my work, all tickets, the ticket page, the printable form."""

import datetime
import re
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from promises.models import Commitment
from tests.factories import CustomerFactory, ShipmentFactory
from tests.tickets.factories import intake_data, step_data
from tickets import pagination, services
from tickets.models import PurchaseRequest, State, Ticket
from ui.timeline import customer_timeline

pytestmark = pytest.mark.django_db


def main_content(response) -> str:
    """The page's own content, without the header (whose notification menu lists numbers too)."""
    html = response.content.decode()
    return html[html.index("<main") :]


def post_data(shipment, **overrides) -> dict:
    data = intake_data(shipment)
    data["customer"] = shipment.customer.pk
    data["shipment"] = shipment.pk
    data["quantity"] = "3"
    data["intake_token"] = str(uuid.uuid4())
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_intake_form_follows_the_phone_conversation(client, people):
    client.force_login(people.sales)
    body = client.get(reverse("tickets:intake")).content.decode()
    order = [
        "id_customer",
        "id_caller_name",
        "id_customer_words",
        "id_description",
        "id_shipment",
        "id_quantity",
        "id_site",
        "id_remedy",
        "id_paraphrase",
        "id_customer_confirmed",
        "id_emotion",
        "id_options_offered",
        "id_option_chosen",
        "id_onsite_needed",
        "id_severity",
        "id_safety",
        "id_callback_due_at",
    ]
    positions = [body.index(f'id="{name}"') for name in order]
    assert positions == sorted(positions)
    assert "登记客诉" in body and "data-once" in body and 'name="intake_token"' in body


def test_sales_logs_a_complaint_and_the_shipment_fills_product_lot_and_date(client, people, shipment):
    client.force_login(people.sales)
    due = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("tickets:intake"),
        post_data(shipment, callback_due_at=due, callback_note="两小时内回电说明进展"),
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    assert re.fullmatch(rf"KS-{timezone.localdate().year}-000001", ticket.number)
    assert (ticket.product, ticket.lot_number, ticket.ship_date) == (
        shipment.product,
        shipment.lot_number,
        shipment.ship_date,
    )
    commitment = Commitment.objects.get()
    assert commitment.source == ticket and commitment.customer == shipment.customer
    assert commitment.description == "两小时内回电说明进展"


def test_pressing_save_twice_saves_one_ticket(client, people, shipment):
    client.force_login(people.sales)
    data = post_data(shipment)
    first = client.post(reverse("tickets:intake"), data)
    second = client.post(reverse("tickets:intake"), data)
    assert Ticket.objects.count() == 1
    assert first.url == second.url


def test_errors_are_shown_beside_the_field_in_chinese(client, people, shipment):
    client.force_login(people.sales)
    data = post_data(shipment)
    del data["customer_words"]
    data["site"] = ""
    response = client.post(reverse("tickets:intake"), data)
    body = response.content.decode()
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert body.count("该字段是必填项") >= 2
    assert re.search(r'id="id_customer_words".*?invalid-feedback[^>]*>该字段是必填项', body, re.S)


def test_a_shipment_of_another_customer_is_refused(client, people, shipment):
    client.force_login(people.sales)
    other = CustomerFactory()
    response = client.post(reverse("tickets:intake"), post_data(shipment, customer=other.pk))
    assert "该发货记录属于其他客户" in response.content.decode()
    assert not Ticket.objects.exists()


def test_finance_cannot_log_complaints(client, people):
    client.force_login(people.finance)
    assert client.get(reverse("tickets:intake")).status_code == 403


def test_numbers_run_per_year_and_are_never_reused(new_ticket):
    first, second = new_ticket(), new_ticket()
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    second.events.all().delete()
    second.delete()
    assert int(new_ticket().number[-6:]) == int(first.number[-6:]) + 2


def test_my_work_shows_what_waits_for_each_role_oldest_first(client, people, new_ticket, walk):
    older, newer = new_ticket(), new_ticket()
    assigned = walk(new_ticket(), State.ASSIGNED)
    client.force_login(people.pm)
    body = main_content(client.get(reverse("tickets:my_work")))
    assert body.index(older.number) < body.index(newer.number)
    assert assigned.number not in body
    client.force_login(people.lead)
    body = main_content(client.get(reverse("tickets:my_work")))
    assert assigned.number in body and older.number not in body
    client.force_login(people.sales)
    body = main_content(client.get(reverse("tickets:my_work")))
    assert older.number in body and assigned.number in body
    client.force_login(people.purchasing)
    assert assigned.number in main_content(client.get(reverse("tickets:my_work")))


def test_all_tickets_filters_and_searches(client, people, new_ticket, walk):
    a = new_ticket(description="接箍渗漏")
    b = walk(new_ticket(description="油管弯曲变形", severity="low"), State.PLANNED)
    client.force_login(people.qc)
    url = reverse("tickets:list")

    def numbers(**params):
        return set(re.findall(r"KS-\d{4}-\d{6}", main_content(client.get(url, params))))

    assert numbers() == {a.number, b.number}
    assert numbers(state="planned") == {b.number}
    assert numbers(severity="low") == {b.number}
    assert numbers(q="弯曲") == {b.number}
    assert numbers(q=a.number.lower()) == {a.number}
    assert numbers(q=a.customer.name) == {a.number, b.number}
    assert numbers(customer=a.customer.pk, state="received") == {a.number}
    today = timezone.localdate()
    assert numbers(created_from=today.isoformat(), created_to=today.isoformat()) == {a.number, b.number}
    assert numbers(created_to=(today - datetime.timedelta(days=1)).isoformat()) == set()


def test_all_tickets_is_paginated_by_50(client, people, new_ticket):
    for _ in range(51):
        new_ticket()
    client.force_login(people.qc)
    body = main_content(client.get(reverse("tickets:list")))
    assert len(set(re.findall(r"KS-\d{4}-\d{6}", body))) == 50
    assert "第 1 页,共 2 页" in body


def test_my_work_pages_show_every_waiting_ticket_once_oldest_first(client, people, new_ticket):
    # The paginator reads a page's keys first, then their rows: the rows must stay in order.
    made = [new_ticket().number for _ in range(53)]
    client.force_login(people.pm)

    def shown(page):
        body = main_content(client.get(reverse("tickets:my_work"), {"page": page}))
        return list(dict.fromkeys(n for n in re.findall(r"KS-\d{4}-\d{6}", body) if n in made))

    first, second = shown(1), shown(2)
    assert len(first) == 50 and len(second) == 3
    assert first + second == made  # oldest first, none twice, none left out


@pytest.mark.parametrize("view", ["tickets:list", "tickets:my_work"])
def test_list_pages_make_a_fixed_number_of_queries(
    view, client, people, new_ticket, walk, django_assert_max_num_queries
):
    user = people.pm
    client.force_login(user)
    for _ in range(5):
        walk(new_ticket(), State.PLANNED) if view == "tickets:list" else new_ticket()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse(view))
    for _ in range(45):
        walk(new_ticket(), State.PLANNED) if view == "tickets:list" else new_ticket()
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        body = main_content(client.get(reverse(view)))
    assert len(set(re.findall(r"KS-\d{4}-\d{6}", body))) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_ticket_page_queries_do_not_grow_with_the_timeline(
    client, people, new_ticket, walk, django_assert_num_queries
):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.pm)
    client.get(ticket.get_absolute_url())
    with CaptureQueriesContext(connection) as short:
        client.get(ticket.get_absolute_url())
    for i in range(20):
        services.note_add(ticket=ticket, by=people.qc, text=f"备注 {i}")
        services.ticket_transition(
            ticket=Ticket.objects.get(pk=ticket.pk), to="progress", by=people.lead, data={"text": f"进度 {i}"}
        )
    with django_assert_num_queries(len(short.captured_queries)):
        client.get(ticket.get_absolute_url())


def test_ticket_page_offers_only_what_this_user_may_do_now(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.pm)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "制定售后计划" in body and "驳回" in body and "指派售后负责人" not in body
    client.force_login(people.sales)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="no-actions"' in body and 'id="action-plan"' not in body
    # … but they are told who it waits for, by name (issue 15 point 1)
    next_step = re.search(r'id="next-step".*?</div>', body, re.S).group(0)
    assert "项目经理" in next_step and people.pm.display_name in next_step and "制定售后计划" in next_step


def test_page_action_with_a_stale_version_tells_the_loser(client, people, new_ticket):
    ticket = new_ticket()
    stale = ticket.version
    services.ticket_transition(ticket=ticket, to="reject", by=people.sales_manager, data={"reason": "非我司"})
    client.force_login(people.pm)
    data = {f"plan-{k}": v for k, v in step_data("plan", people).items()} | {"version": stale}
    response = client.post(reverse("tickets:act", args=[ticket.number, "plan"]), data, follow=True)
    body = response.content.decode()
    assert "工单已被他人更新" in body and "已驳回" in body
    assert Ticket.objects.get(pk=ticket.pk).state == State.REJECTED


def test_page_action_with_missing_data_shows_the_errors(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.pm)
    response = client.post(
        reverse("tickets:act", args=[ticket.number, "plan"]),
        {"plan-scope": "检查", "version": ticket.version},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "该字段是必填项" in body and "缺少必填信息" in body
    assert Ticket.objects.get(pk=ticket.pk).state == State.RECEIVED


def test_page_action_by_the_wrong_role_is_refused(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.sales)
    data = {f"plan-{k}": v for k, v in step_data("plan", people).items()}
    response = client.post(reverse("tickets:act", args=[ticket.number, "plan"]), data, follow=True)
    assert "您的角色无权执行此操作" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == State.RECEIVED


def test_internal_notes_are_marked_in_the_timeline(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.qc)
    client.post(
        reverse("tickets:add_note", args=[ticket.number]), {"text": "客户曾有类似投诉", "internal": "on"}
    )
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "客户曾有类似投诉" in body and 'class="internal"' in body


def test_disposition_form_prints(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.CONFIRMING)
    client.force_login(people.sales)
    body = client.get(reverse("tickets:disposition", args=[ticket.number])).content.decode()
    assert "产品售后处置单" in body and "更换三根接箍" in body and "客户签字" in body
    assert "@media print" in Path("static/tickets/tickets.css").read_text()


def test_purchasing_sees_open_requests_and_marks_them(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ASSIGNED)
    client.force_login(people.purchasing)
    body = client.get(reverse("tickets:purchases")).content.decode()
    assert ticket.number in body and '<td data-label="配件">接箍</td><td data-label="数量">3</td>' in body
    request = PurchaseRequest.objects.get()
    client.post(reverse("tickets:purchases"), {"request": request.pk, "status": "ordered"})
    request.refresh_from_db()
    assert request.status == "ordered"
    client.force_login(people.sales)
    assert client.get(reverse("tickets:purchases")).status_code == 403


def test_service_lead_requests_a_part_from_the_ticket_page(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.lead)
    client.post(reverse("tickets:add_purchase", args=[ticket.number]), {"item": "密封圈", "quantity": "4"})
    assert PurchaseRequest.objects.filter(item="密封圈", status="open").exists()


def test_customer_timeline_lists_the_tickets(people, new_ticket):
    ticket = new_ticket()
    entries = customer_timeline(customer=ticket.customer, user=people.sales)
    assert [e.title for e in entries] == [ticket.number]
    assert entries[0].url == ticket.get_absolute_url()


def test_navigation_shows_ticket_pages_by_role(client, people, make_user):
    client.force_login(people.sales)
    body = client.get(reverse("home")).content.decode()
    assert "我的待办" in body and "登记客诉" in body and "全部工单" in body and "采购申请" not in body
    client.force_login(make_user(Role.PURCHASING))
    assert "采购申请" in client.get(reverse("home")).content.decode()


def test_ticket_page_in_english_on_request(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.pm)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Plan the service" in body and "What you can do now" in body and "Received" in body


def test_tickets_root_leads_to_my_work(client, people):
    client.force_login(people.sales)
    response = client.get("/tickets/")
    assert response.status_code == 302 and response.url == reverse("tickets:my_work")


def test_search_finds_one_two_and_longer_chinese_words(client, people, new_ticket):
    a = new_ticket(description="油管弯曲变形")
    new_ticket(description="接箍渗漏")
    client.force_login(people.qc)

    def numbers(q):
        return set(re.findall(r"KS-\d{4}-\d{6}", main_content(client.get(reverse("tickets:list"), {"q": q}))))

    assert numbers("弯") == numbers("弯曲") == numbers("弯曲变形") == {a.number}
    assert numbers("曲变") == {a.number}  # a pair across word boundaries still matches
    assert numbers("变弯") == set()


def test_long_lists_stop_counting_at_the_cap(client, people, new_ticket, monkeypatch):
    monkeypatch.setattr(pagination, "CAP", 3)
    for _ in range(5):
        new_ticket()
    client.force_login(people.qc)
    body = client.get(reverse("tickets:list")).content.decode()
    assert "超过 3 张工单" in body


def test_admin_shows_tickets_and_their_history(client, new_ticket, walk, make_user):
    ticket = walk(new_ticket(), State.PLANNED)
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 200
    assert client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).status_code == 200
    history = client.get(reverse("admin:tickets_ticket_history", args=[ticket.pk]))
    assert history.status_code == 200


def test_choosing_a_customer_offers_that_customers_shipments(client, people, shipment):
    ShipmentFactory()  # another customer's
    url = reverse("autocomplete-shipments")
    client.force_login(people.sales)
    data = client.get(url, {"customer": shipment.customer_id}).json()["results"]
    assert [s["value"] for s in data] == [shipment.pk]
    assert data[0]["lot"] == shipment.lot_number and data[0]["date"] == "2026-10-08"
    assert data[0]["product"] == shipment.product_id and data[0]["text"].startswith("2026-10-08 · ")
    assert client.get(url).json() == {"results": []}  # no customer chosen: nothing offered
    assert client.get(url, {"customer": "x"}).status_code == 400
    # Installations (service lead) and quality disputes (finance) pick shipments too.
    for who in (people.lead, people.finance):
        client.force_login(who)
        assert client.get(url, {"customer": shipment.customer_id}).status_code == 200


def test_shipments_are_not_for_someone_without_a_role(client, make_user, shipment):
    client.force_login(make_user())
    url = reverse("autocomplete-shipments")
    assert client.get(url, {"customer": shipment.customer_id}).status_code == 403
    client.logout()
    assert client.get(url, {"customer": shipment.customer_id}).status_code == 302


def test_filter_options_escape_names_and_keep_the_chosen_customer(client, people):
    hostile = CustomerFactory(name='<script>alert("x")</script>有限公司')
    client.force_login(people.qc)
    body = client.get(reverse("tickets:list"), {"customer": hostile.pk}).content.decode()
    assert "<script>alert" not in body
    assert f'<option value="{hostile.pk}" selected>' in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;有限公司" in body
