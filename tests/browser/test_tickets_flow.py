"""Complaint tickets in Chromium: intake with a photo, and a ticket walked to the QC archive."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.intake import choose
from tests.factories import CustomerFactory, ShipmentFactory
from tests.tickets.factories import intake_data
from tickets import services
from tickets.models import State, Ticket


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def _png(path):
    img = Image.new("RGB", (320, 240), "#c0392b")
    for x in range(0, 320, 20):
        for y in range(100, 140):
            img.putpixel((x, y), (255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_sales_logs_a_complaint_with_a_photo_and_finds_it_in_my_work(
    page, make_user, login, screenshot, tmp_path
):
    sales = make_user(Role.SALES, full_name="王晓明")
    shipment = ShipmentFactory(
        customer__name="大庆油田装备有限公司",
        product__name="石油套管 139.7mm",
        order_number="SO-2026-0801",
        ship_date=datetime.date(2026, 10, 8),
    )
    CustomerFactory(code="C-CQ", name="长庆石化有限公司")
    login(page, sales)
    page.click("text=登记客诉")
    page.wait_for_selector("#intake-form")
    # The customer's find box takes the focus: type the name at once. The page's script
    # sets it after the form is in the page, so wait for it rather than read it once.
    expect(page.locator("#id_customer-ts-control")).to_be_focused()
    screenshot(page, "tickets-intake-empty")

    # Saving an empty form shows the errors beside the fields.
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    # The page's scripts put the cursor on the first error when they run: on a busy machine
    # after the form is drawn. Typing before that would lose what lands in the moved cursor.
    page.wait_for_load_state("load")
    assert "该字段是必填项" in page.locator("#id_customer_words ~ .invalid-feedback").first.inner_text()
    screenshot(page, "tickets-intake-errors")

    # Typing part of the name offers the customers that match; choosing one loads its
    # shipments.
    page.locator("#id_customer-ts-control").locator("xpath=..").click()
    page.keyboard.type("有限", delay=20)
    page.wait_for_selector("#id_customer-ts-dropdown .option:has-text('长庆')")
    assert page.locator("#id_customer-ts-dropdown .option").count() == 2  # both customers
    page.keyboard.press("Escape")
    choose(page, "customer", "大庆")
    assert page.input_value("#id_customer") == str(shipment.customer_id)
    # The "required" error of the earlier submit goes away with the choice.
    assert page.locator("#id_customer.is-invalid").count() == 0
    page.fill("#id_caller_name", "张工")
    page.fill("#id_caller_phone", "13900001111")
    page.fill("#id_customer_words", "你们上个月发的套管,下井后接箍处漏了,井队已经停工!")
    page.fill("#id_description", "第三根套管接箍螺纹处渗漏")
    choose(page, "shipment", text=shipment.lot_number)
    assert page.input_value("#id_lot_number") == shipment.lot_number
    assert page.input_value("#id_ship_date") == "2026-10-08"
    assert page.input_value("#id_product") == str(shipment.product_id)
    page.fill("#id_quantity", "3")
    page.fill("#id_site", "大庆油田 采油二厂 井场 7 号")
    page.select_option("#id_remedy", "exchange")
    page.set_input_files("#id_photos", str(_png(tmp_path / "接箍渗漏.png")))
    page.wait_for_selector("#photo-previews img")
    page.fill("#id_paraphrase", "张工,您是说三根套管接箍处渗漏,井队停工,要求换货,我理解对吗?")
    page.check("#id_customer_confirmed")
    page.select_option("#id_emotion", "angry")
    page.fill("#id_options_offered", "1. 上门检修 2. 换货")
    page.fill("#id_option_chosen", "换货")
    page.check("#id_onsite_needed")
    page.select_option("#id_severity", "high")
    due = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_callback_due_at", due)
    page.fill("#id_callback_note", "三小时内回电告知处理安排")
    screenshot(page, "tickets-intake-filled")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#ticket-number")
    ticket = Ticket.objects.get()
    assert page.locator("#ticket-number").inner_text() == ticket.number
    assert ticket.photos.count() == 1
    page.wait_for_function("document.querySelector('#photos img').naturalWidth > 0")
    screenshot(page, "tickets-detail-received")

    page.click("text=我的待办")
    # Nothing asks the salesperson for anything now: the ticket is listed under "I follow up".
    page.wait_for_selector("#following-list")
    assert ticket.number in page.locator("#following-list").inner_text()
    assert ticket.number not in page.locator(".ticket-table").inner_text()
    screenshot(page, "tickets-my-work-sales")


def act(page, name: str, fields: dict, screenshot=None, shot=None):
    page.evaluate(f"document.querySelector('#action-{name}').open = true")
    for field, value in fields.items():
        selector = f"#id_{name}-{field}"
        tag = page.eval_on_selector(selector, "el => el.tagName + (el.type || '')")
        if tag.startswith("SELECT"):
            page.select_option(selector, value)
        elif tag == "INPUTcheckbox":
            page.check(selector)
        else:
            page.fill(selector, value)
    if screenshot:
        screenshot(page, shot)
    page.click(f"#action-{name} button[type=submit]")
    page.wait_for_selector(".alert-success")


def test_a_ticket_walks_through_every_step_to_the_qc_archive(page, make_user, login, screenshot):
    people = {
        "sales": make_user(Role.SALES, full_name="王晓明"),
        "pm": make_user(Role.PROJECT_MANAGER, full_name="李项目"),
        "prod": make_user(Role.PRODUCTION_MANAGER, full_name="赵生产"),
        "lead": make_user(Role.SERVICE_LEAD, full_name="孙售后"),
        "qc": make_user(Role.QC, full_name="周质检"),
        "buyer": make_user(Role.PURCHASING, full_name="吴采购"),
    }
    shipment = ShipmentFactory(customer__name="长庆石油机械有限公司")
    ticket = services.ticket_create(by=people["sales"], **intake_data(shipment))
    url = f"{page.base_url}{ticket.get_absolute_url()}"
    today = timezone.localdate()

    def as_user(key):
        page.context.clear_cookies()  # sign the previous person out
        login(page, people[key])
        page.goto(url)

    as_user("pm")
    act(
        page,
        "plan",
        {
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=3)).isoformat(),
            "scope": "现场检查接箍并更换",
            "mode": "onsite",
            "travellers": "孙售后",
        },
        screenshot,
        "tickets-detail-pm-plan-form",
    )
    assert page.locator("#ticket-state").inner_text() == "已计划"

    as_user("prod")
    act(
        page,
        "assign",
        {
            "lead": str(people["lead"].pk),
            "preliminary_analysis": "疑为螺纹加工超差",
            "tools_materials": "管钳、螺纹规、密封脂",
            "purchase_items": "接箍 139.7mm × 3",
        },
    )
    assert page.locator("#ticket-state").inner_text() == "已指派"

    page.context.clear_cookies()
    login(page, people["buyer"])
    page.goto(f"{page.base_url}/tickets/purchases/")
    assert "接箍 139.7mm\t3\t" in page.inner_text("main")  # the part, and the quantity typed with it
    screenshot(page, "tickets-purchases")
    page.click("button[value=ordered]")
    page.wait_for_load_state()

    as_user("lead")
    act(page, "escalate", {"reason": "现场无法判断渗漏原因"})
    assert page.locator("#ticket-state").inner_text() == "质检评审"

    as_user("qc")
    act(
        page,
        "conclude_review",
        {
            "participants": "质检、技术部、生产部",
            "root_cause": "接箍热处理不足",
            "solution": "更换同规格合格批次接箍",
        },
    )
    assert page.locator("#ticket-state").inner_text() == "处理中"

    as_user("lead")
    act(page, "progress", {"text": "已到达井场,开始更换"})
    act(
        page,
        "submit_disposition",
        {
            "work_done": "更换三根接箍并试压合格",
            "root_cause": "接箍热处理不足",
            "corrective_action": "更换合格批次接箍",
            "preventive_action": "热处理炉温曲线每班复核",
            "parts_used": "接箍 3 个",
            "parts_cost": "1350.00",
            "satisfaction": "satisfied",
            "customer_signatory": "张工",
        },
    )
    assert page.locator("#ticket-state").inner_text() == "待确认"

    as_user("prod")  # production signs first: either order works
    act(page, "sign_off", {"comment": "同意"})
    as_user("pm")
    act(page, "sign_off", {})
    as_user("qc")
    act(page, "archive", {"archive_ref": "QA-2026-031", "note": "纳入品质售后档案"})
    assert page.locator("#ticket-state").inner_text() == "已归档"

    as_user("sales")
    act(page, "follow_up", {"note": "客户对处理结果满意", "satisfaction": "satisfied"})
    screenshot(page, "tickets-detail-archived")
    timeline = page.inner_text("#timeline")
    for who in ("王晓明", "李项目", "赵生产", "孙售后", "周质检"):
        assert who in timeline

    page.goto(f"{page.base_url}/tickets/{ticket.number}/disposition/")
    assert "产品售后处置单" in page.inner_text("#disposition-sheet")
    screenshot(page, "tickets-disposition-print")
    page.emulate_media(media="print")
    screenshot(page, "tickets-disposition-print-media")
    page.emulate_media(media="screen")

    page.goto(f"{page.base_url}/tickets/all/")
    screenshot(page, "tickets-list")
    page.fill("#id_q", "接箍")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert ticket.number in page.inner_text(".ticket-table")
    assert Ticket.objects.get(pk=ticket.pk).state == State.ARCHIVED


def test_the_loser_of_a_race_sees_the_new_state(page, make_user, login, screenshot):
    pm = make_user(Role.PROJECT_MANAGER, full_name="李项目")
    manager = make_user(Role.SALES_MANAGER, full_name="钱经理")
    sales = make_user(Role.SALES)
    ticket = services.ticket_create(by=sales, **intake_data(ShipmentFactory()))
    login(page, pm)
    page.goto(f"{page.base_url}{ticket.get_absolute_url()}")
    services.ticket_transition(ticket=ticket, to="reject", by=manager, data={"reason": "非我司产品"})
    page.evaluate("document.querySelector('#action-reject').open = true")
    page.fill("#id_reject-reason", "重复登记")
    page.click("#action-reject button[type=submit]")
    page.wait_for_selector(".alert-danger")
    assert "工单已被他人更新" in page.inner_text(".alert-danger")
    assert page.locator("#ticket-state").inner_text() == "已驳回"
    screenshot(page, "tickets-detail-race-lost")


def test_ticket_page_in_english(page, make_user, login, screenshot):
    pm = make_user(Role.PROJECT_MANAGER, full_name="Li Project")
    ticket = services.ticket_create(by=make_user(Role.SALES), **intake_data(ShipmentFactory()))
    login(page, pm)
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Sign out")
    page.goto(f"{page.base_url}{ticket.get_absolute_url()}")
    assert page.locator("#ticket-state").inner_text() == "Received"
    assert "Plan the service" in page.inner_text("#actions")
    screenshot(page, "tickets-detail-en")
    page.goto(f"{page.base_url}/tickets/mine/")
    assert ticket.number in page.inner_text(".ticket-table")  # the plan waits for the PM
    screenshot(page, "tickets-my-work-en")
