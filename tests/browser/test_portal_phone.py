"""The customer portal on a phone (390×844): the customer sends a complaint through their
link, lands on the tracking page, and after archive rates the service; screenshots of each."""

import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from accounts.roles import Role
from portal import services
from portal.models import Survey
from tests.tickets import conftest as tickets_conftest
from tickets.models import Event, Ticket

people = tickets_conftest.people
shipment = tickets_conftest.shipment
walk = tickets_conftest.walk

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_complaint_tracking_and_survey_on_a_phone(phone, people, shipment, walk, screenshot, tmp_path):
    link = services.customer_link_issue(customer=shipment.customer, by=people.sales)
    photo = tmp_path / "渗漏.png"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), "#c0392b").save(buf, "PNG")
    photo.write_bytes(buf.getvalue())

    phone.goto(f"{phone.base_url}/p/c/{link.token}/")
    assert phone.locator("#sidebar").count() == 0  # no staff navigation
    assert phone.locator("#id_website").bounding_box()["x"] < -1000  # the honeypot is out of sight
    assert no_sideways_scroll(phone)
    screenshot(phone, "portal-phone-1-form-empty")

    phone.click("button[type=submit]")  # nothing filled in: the browser does not block, we answer
    phone.wait_for_selector("#error-summary")
    assert "请更正" in phone.locator("#error-summary").inner_text()
    screenshot(phone, "portal-phone-2-form-errors")

    phone.fill("#id_contact_name", "王工")
    phone.fill("#id_contact_phone", "13800000000")
    phone.fill("#id_what_happened", "第三根套管接箍处渗漏,井队已经停工。")
    phone.fill("#id_product_text", "P110 套管 139.7mm")
    phone.fill("#id_quantity", "3")
    phone.fill("#id_site", "长庆油田 井场 12 号")
    phone.check("#id_urgency_2")
    phone.check("#id_remedy_0")
    phone.set_input_files("#id_photos", str(photo))
    phone.click("button[type=submit]")
    phone.wait_for_selector("#portal-new")
    ticket = Ticket.objects.get()
    assert ticket.number in phone.locator("#portal-new").inner_text()
    assert "我们将在" in phone.locator("#portal-callback").inner_text()
    assert ticket.photos.count() == 1
    assert no_sideways_scroll(phone)
    screenshot(phone, "portal-phone-3-tracking-received")

    # Sent again (the back button, a double tap): still one ticket.
    phone.go_back()
    phone.wait_for_selector("#portal-complaint")

    walk(ticket, "archived")
    phone.goto(f"{phone.base_url}/p/t/{ticket.number}/{ticket.portal_access.token}/")
    phone.wait_for_selector("#portal-survey")
    assert "已处理完毕" in phone.locator("#portal-status").inner_text()
    page_text = phone.locator("main").inner_text()
    assert "450" not in page_text and people.lead.display_name not in page_text
    screenshot(phone, "portal-phone-4-tracking-archived")

    phone.click("label[for=id_rating_1]")  # the fourth star (choices run 5..1)
    phone.fill("#id_comment", "工程师很专业,就是来得慢了点。")
    phone.click("#portal-survey button[type=submit]")
    phone.wait_for_selector("#portal-survey-done")
    assert "感谢您的评价" in phone.locator("main").inner_text()
    assert Survey.objects.get().rating == 4
    assert Event.objects.filter(ticket=ticket, kind=Event.Kind.SURVEY).count() == 1
    assert Ticket.objects.count() == 1
    assert no_sideways_scroll(phone)
    screenshot(phone, "portal-phone-5-survey-done")
