"""CAPA and commissioning in Chromium: QC finds an overdue effectiveness check, records it as
not effective, and lands on the reopened ticket; an installation page with its issue list."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from installations import services as commissioning
from tests.browser.intake import choose, offered
from tests.factories import ShipmentFactory
from tests.tickets.factories import Crew, TicketFactory
from tickets.models import CapaCheck, Installation, State


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def _archived_ticket(make_user, shipment):
    sales = make_user(Role.SALES, full_name="王晓明")
    pm = make_user(Role.PROJECT_MANAGER, full_name="李项目")
    prod = make_user(Role.PRODUCTION_MANAGER, full_name="赵生产")
    lead = make_user(Role.SERVICE_LEAD, full_name="陈师傅")
    qc = make_user(Role.QC, full_name="周质检")

    people = Crew(sales=sales, pm=pm, prod=prod, lead=lead, qc=qc)
    disposition = {"corrective_action": "更换三根接箍", "preventive_action": "螺纹加工增加 100% 量规检验"}
    ticket = TicketFactory(shipment=shipment, people=people, state=State.ARCHIVED, disposition=disposition)
    assert ticket.state == State.ARCHIVED
    return ticket, qc, pm, prod, lead


def test_qc_fails_an_overdue_capa_check_and_the_ticket_is_reopened(page, make_user, login, screenshot):
    shipment = ShipmentFactory(
        customer__name="大庆油田装备有限公司",
        product__name="石油套管 139.7mm",
        order_number="SO-2026-0801",
        ship_date=datetime.date(2026, 10, 8),
    )
    ticket, qc, *_ = _archived_ticket(make_user, shipment)
    CapaCheck.objects.filter(ticket=ticket).update(due_on=timezone.localdate() - datetime.timedelta(days=3))

    login(page, qc)
    page.goto(page.base_url + "/tickets/mine/")
    page.wait_for_selector("#capa-due")
    assert ticket.number in page.locator("#capa-due").inner_text()
    page.click("text=CAPA 效果验证")
    page.wait_for_selector("#capa-table")
    row = page.locator("#capa-table tbody tr").first
    assert "已逾期" in row.inner_text()
    screenshot(page, "tickets-capa-list")

    row.locator("text=无效").click()
    row.locator("textarea").fill("回访发现第二批套管接箍仍有渗漏,量规检验未落实")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#ticket-state")
    assert page.locator("#ticket-state").inner_text() == "已重开"
    timeline = page.locator("#timeline").inner_text()
    assert "CAPA 效果验证：无效" in timeline and "量规检验未落实" in timeline
    assert "无效" in page.locator("#capa").inner_text()
    screenshot(page, "tickets-capa-reopened")
    ticket.refresh_from_db()
    assert ticket.state == State.REOPENED


def test_installation_page_with_its_issue_list(page, make_user, login, screenshot):
    shipment = ShipmentFactory(customer__name="长庆油田钻采公司", product__name="井口装置 KQ-35")
    pm = make_user(Role.PROJECT_MANAGER, full_name="李项目")
    lead = make_user(Role.SERVICE_LEAD, full_name="陈师傅")
    inst = commissioning.installation_create(
        by=pm,
        customer=shipment.customer,
        shipment=shipment,
        title="12 号井口装置安装调试",
        site="长庆 12 号井场",
    )
    commissioning.installation_issue_add(
        installation=inst,
        by=lead,
        description="法兰螺栓松动",
        source="quality",
        handling="on_site",
        resolution="已按力矩紧固",
    )
    commissioning.installation_issue_add(
        installation=inst,
        by=lead,
        description="压力表读数偏高 0.3 MPa",
        source="design",
        handling="conference",
        conference_participants="技术部张工、李项目",
        conference_decision="返厂更换压力表,三天内发货",
        conference_at=timezone.now() - datetime.timedelta(hours=3),
    )
    login(page, lead)
    page.goto(page.base_url + "/tickets/installations/")
    page.wait_for_selector("#installation-table")
    screenshot(page, "tickets-installation-list")
    page.click("text=12 号井口装置安装调试")
    page.wait_for_selector("#issues")
    page.locator("#issues summary").first.click()
    page.locator("#issues textarea").first.fill("更换压力表并校验")
    page.locator("#issues button[type=submit]").first.click()
    page.wait_for_selector(".messages .alert")
    assert "未解决" not in page.locator("#issues").inner_text()
    page.context.clear_cookies()
    login(page, pm)
    page.goto(page.base_url + inst.get_absolute_url())
    page.wait_for_selector("#action-sign")
    screenshot(page, "tickets-installation")


def test_new_installation_finds_the_customer_offers_its_shipments_and_takes_a_ticket_number(
    page, make_user, login, screenshot
):
    shipment = ShipmentFactory(customer__name="长庆油田钻采公司", product__name="井口装置 KQ-35")
    ShipmentFactory(customer__name="大庆石化有限公司")  # another customer, another shipment
    sales = make_user(Role.SALES)
    ticket = TicketFactory(shipment=shipment, by=sales)
    lead = make_user(Role.SERVICE_LEAD, full_name="陈师傅")
    login(page, lead)
    page.goto(page.base_url + "/tickets/installations/new/")
    choose(page, "customer", "长庆")
    # Only the chosen customer's shipment is offered (asked for when the customer was chosen).
    assert len(offered(page, "shipment")) == 1
    choose(page, "shipment", text=shipment.lot_number)
    page.fill("#id_title", "12 号井口装置安装调试")
    page.fill("#id_ticket", "KS-2026-999999")
    page.click("form[data-once] button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "没有编号为 KS-2026-999999 的工单" in page.locator("main").inner_text()
    screenshot(page, "tickets-installation-new-error")
    page.fill("#id_ticket", ticket.number.lower())
    page.click("form[data-once] button[type=submit]")
    page.wait_for_selector("#issues")
    inst = Installation.objects.get()
    assert (inst.customer, inst.shipment, inst.ticket) == (shipment.customer, shipment, ticket)
