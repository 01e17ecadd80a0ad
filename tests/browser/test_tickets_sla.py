"""SLA flags in Chromium: breached and due-soon tickets in the lists and on the ticket page."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from tests.factories import ShipmentFactory
from tests.tickets.factories import intake_data
from tickets import services
from tickets.models import Event, Ticket


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def _logged(sales, shipment, hours_ago: float, **fields):
    ticket = services.ticket_create(by=sales, **intake_data(shipment, **fields))
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_managers_see_breached_and_due_soon_tickets(page, make_user, login, screenshot):
    sales = make_user(Role.SALES, full_name="王晓明")
    pm = make_user(Role.PROJECT_MANAGER, full_name="赵项目")
    prod = make_user(Role.PRODUCTION_MANAGER, full_name="钱生产")
    lead = make_user(Role.SERVICE_LEAD, full_name="孙师傅")
    shipment = ShipmentFactory(customer__name="大庆油田装备有限公司", product__name="石油套管 139.7mm")
    breached = _logged(sales, shipment, 6, severity="high")  # 4 h to respond
    soon = _logged(sales, shipment, 1.7, severity="critical")  # 2 h to respond: 18 min left
    _logged(sales, shipment, 0.2, severity="medium")  # fine
    late = _logged(sales, shipment, 30, severity="high")
    plan = {
        "start_date": timezone.localdate(),
        "end_date": timezone.localdate(),
        "scope": "现场检查",
        "mode": "onsite",
        "travellers": "李师傅",
    }
    late = services.ticket_transition(ticket=late, to="plan", by=pm, data=plan)
    Ticket.objects.filter(pk=late.pk).update(responded_at=timezone.now() - datetime.timedelta(hours=20))
    services.ticket_transition(
        ticket=Ticket.objects.get(pk=late.pk),
        to="assign",
        by=prod,
        data={
            "lead": lead.pk,
            "preliminary_analysis": "螺纹超差",
            "tools_materials": "管钳",
            "purchase_items": "",
        },
    )

    # The timeline as it would be: planned after 10 h, assigned 6 h later.
    def ago(**kw):
        return timezone.now() - datetime.timedelta(**kw)

    late_events = Event.objects.filter(ticket=late)
    late_events.filter(action="plan").update(created_at=ago(hours=20))
    late_events.filter(action="assign").update(created_at=ago(hours=14))

    login(page, pm)
    page.goto(f"{page.base_url}/tickets/all/")
    row = page.locator("tr", has_text=breached.number)
    assert "已超时：首次响应" in row.inner_text()
    assert "即将超时：首次响应" in page.locator("tr", has_text=soon.number).inner_text()
    assert page.locator("[data-sla]").count() == 2
    screenshot(page, "tickets-sla-list")

    page.goto(f"{page.base_url}/tickets/mine/")
    assert page.locator("[data-sla=breached]").count() == 1
    screenshot(page, "tickets-sla-my-work")

    page.goto(f"{page.base_url}/tickets/{breached.number}/")
    page.wait_for_selector("#sla")
    assert "已超时" in page.locator("#sla").inner_text()
    page.locator("#sla").scroll_into_view_if_needed()
    screenshot(page, "tickets-sla-ticket-breached")

    page.goto(f"{page.base_url}/tickets/{late.number}/")
    text = page.locator("#sla").inner_text()
    assert "各状态停留时间" in text and "已接收\t10 小时" in text and "已计划\t6 小时" in text
    page.locator("#sla").scroll_into_view_if_needed()
    screenshot(page, "tickets-sla-ticket-state-times")
