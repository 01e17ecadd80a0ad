"""The intake form sent with a photo and a forgotten field: the photo is kept, shown, and
saved with the ticket once the form is complete."""

import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.intake import choose
from tests.factories import ShipmentFactory
from tickets.models import Ticket

from .intake import finish_intake


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def test_a_photo_attached_before_an_error_is_kept_and_saved(page, make_user, login, screenshot, tmp_path):
    sales = make_user(Role.SALES, full_name="王晓明")
    shipment = ShipmentFactory(customer__name="大庆油田装备有限公司")
    path = tmp_path / "接箍渗漏.png"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), "#c0392b").save(buf, "PNG")
    path.write_bytes(buf.getvalue())

    login(page, sales)
    page.goto(page.base_url + "/tickets/new/")
    choose(page, "customer", "大庆")
    page.fill("#id_description", "第三根套管接箍螺纹处渗漏")
    page.set_input_files("#id_photos", str(path))
    page.click("#intake-form button[type=submit]")  # the customer's words are missing
    page.wait_for_selector("#kept-photos img")
    assert "之前上传的 1 张照片已保留" in page.locator("#kept-photos").inner_text()
    # The first error is in focus, ready to type into.
    expect(page.locator("#id_customer_words")).to_be_focused()
    # It loads: wait until the browser is done with it (loaded or broken), then its size.
    page.wait_for_function("document.querySelector('#kept-photos img').complete")
    assert page.locator("#kept-photos img").evaluate("img => img.naturalWidth") == 320
    screenshot(page, "tickets-intake-kept-photo")

    page.fill("#id_customer_words", "接箍处漏了,井队已经停工!")
    finish_intake(page, save_with_keys=True)
    ticket = Ticket.objects.get()
    assert ticket.customer == shipment.customer
    assert [p.original_name for p in ticket.photos.all()] == ["接箍渗漏.png"]
