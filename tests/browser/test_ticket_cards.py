"""The cards a salesperson uses on a ticket's page while the customer is on the phone
(issue 17, points 4-7), in Chromium at desk and phone size: the reply template filled with
this complaint, a call-back promised and then rescheduled with the customer's agreement,
watching the ticket, and a test report filed beside the photos."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from phrases.services import reply_template_save
from promises.models import Commitment
from tests.factories import ShipmentFactory
from tests.tickets.factories import intake_data
from tickets import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desk", "phone"])
def test_a_salesperson_promises_reschedules_watches_and_files_on_the_ticket(
    page, login, screenshot, make_user, size, tmp_path
):
    sales = make_user(Role.SALES, full_name="王晓明")
    ticket = services.ticket_create(by=sales, **intake_data(ShipmentFactory(), caller_name="刘工"))
    reply_template_save(
        by=sales,
        title="约定回电",
        use="progress",
        body="{联系人}您好，{单号}还在分析，我会在{回电时间}前回电。",
    )
    login(page, sales)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{page.base_url}{ticket.get_absolute_url()}")

    # A call-back promised from the ticket's own page.
    page.click("#promises summary:has-text('承诺回电')")
    page.fill("#promises input[name=description]", "告知检测结果")
    due = timezone.localtime() + datetime.timedelta(hours=5)
    page.fill("#promises input[name=due_at]", due.strftime("%Y-%m-%dT%H:%M"))
    page.click("#promises button:has-text('记录承诺')")
    page.wait_for_selector("text=承诺已记录")
    first = Commitment.objects.get()

    # The reply template now names the promised time.
    page.click("#replies summary:has-text('约定回电')")
    filled = page.inner_text("#replies .reply-text")
    assert f"刘工您好，{ticket.number}还在分析，我会在{due:%m月%d日 %H:%M}前回电。" == filled.strip()

    # The customer agrees a later time: the first promise is kept, the new one open.
    page.click(f"#promise-{first.pk} summary")
    later = due + datetime.timedelta(days=1)
    page.fill(f"#promise-{first.pk} input[name=due_at]", later.strftime("%Y-%m-%dT%H:%M"))
    page.fill(f"#promise-{first.pk} textarea[name=agreement]", "报告明天出，客户同意明天再联系")
    page.click(f"#promise-{first.pk} button:has-text('记录新时间')")
    page.wait_for_selector("text=新时间已记录")
    first.refresh_from_db()
    assert first.status == Commitment.Status.KEPT and first.rescheduled_to.status == Commitment.Status.OPEN

    page.click("#watch button")
    page.wait_for_selector("#watch button:has-text('取消关注')")

    report = tmp_path / "检测报告.pdf"
    report.write_bytes(PDF)
    page.click("#documents summary")
    page.select_option("#documents select[name=kind]", "test_report")
    page.set_input_files("#documents input[name=file]", str(report))
    page.click("#documents button:has-text('上传')")
    page.wait_for_selector("#documents a:has-text('检测报告.pdf')")

    assert page.evaluate("document.documentElement.scrollWidth") <= size[0] + 1
    page.click("#promises details summary")  # show the reschedule form of the open promise
    page.locator("#promises").scroll_into_view_if_needed()
    screenshot(page, f"ticket-cards-{size[0]}")
