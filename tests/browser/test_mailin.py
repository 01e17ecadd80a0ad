"""A customer's e-mail becomes a complaint in the browser: the salesperson opens the draft in
邮件来件, logs it through the intake form filled in from the mail, and finds the mail's
photo on the ticket."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from mailin.services import mail_ingest
from masterdata.models import Contact
from tests.factories import CustomerFactory
from tests.mailin.test_poll import gbk_mail
from tickets.models import Ticket

from .intake import finish_intake


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def test_a_customers_mail_is_logged_as_a_complaint(page, make_user, login, screenshot):
    sales = make_user(Role.SALES, full_name="李业务")
    customer = CustomerFactory(name="长庆油田物资公司", salesperson=sales)
    Contact.objects.create(customer=customer, name="王镕", email="wang@cq-oil.example", phone="13800000000")
    mail_ingest(raw=gbk_mail())

    login(page, sales)
    page.goto(page.base_url + "/mail/")
    screenshot(page, "mailin-inbox")
    page.click("#inbox a:has-text('关于镕钢套管渗漏的投诉')")
    page.wait_for_selector("#mail-body")
    assert "镕钢套管第3根接箍渗漏" in page.locator("#mail-body").inner_text()
    assert "检测报告.pdf" in page.locator("#mail-attachments").inner_text()
    screenshot(page, "mailin-draft")

    page.click("#confirm-link")
    page.wait_for_selector("#from-mail")
    screenshot(page, "mailin-confirm")
    assert "镕钢套管" in page.input_value("#id_customer_words")
    assert page.input_value("#id_caller_name") == "王镕"
    assert page.input_value("#id_customer") == str(customer.pk)
    finish_intake(page)

    ticket = Ticket.objects.get(customer=customer)
    assert ticket.channel == "email" and ticket.customer == customer
    assert [p.original_name for p in ticket.photos.all()] == ["现场照片.png"]
    assert "检测报告.pdf" in page.locator("#ticket-mail").inner_text()
    screenshot(page, "mailin-ticket")
