"""The main pages at a desk (1366×768) and on a phone at the well site (390×844): axe-core
finds nothing serious, and a phone shows what to do next without sideways scrolling
(issue 15, points 6 and 10). Screenshots of every page at both sizes, for a person to look at."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from promises.models import Commitment
from tests.accounting.factories import make_dispute, purge_books
from tests.browser.a11y import axe_findings
from tests.browser.intake import choose, finish_intake
from tests.factories import ShipmentFactory
from tests.objections.factories import ObjectionFactory
from tests.tickets.factories import intake_data
from tickets import services

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
LONG_DEFECT = "下井第三根套管接箍处渗漏，现场试压 25 MPa 保压 15 分钟压降 3 MPa，井队已停工等待处理"


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def books():
    yield
    purge_books()


@pytest.fixture
def everyone(make_user):
    """One person holding the roles that open every main page (a small plant's office)."""
    return make_user(
        Role.SALES, Role.PROJECT_MANAGER, Role.FINANCE, Role.GENERAL_MANAGER, Role.QC, full_name="王晓明"
    )


@pytest.fixture
def ticket(everyone):
    shipment = ShipmentFactory(customer__name="长庆石油机械有限公司", product__name="石油套管 139.7mm")
    for i in range(3):
        services.ticket_create(by=everyone, **intake_data(shipment, description=f"{LONG_DEFECT}（{i}）"))
    return services.ticket_create(by=everyone, **intake_data(shipment, description=LONG_DEFECT))


def main_pages(ticket, dispute, objection) -> dict[str, str]:
    return {
        "home": "/",
        "ticket-list": "/tickets/all/",
        "ticket": ticket.get_absolute_url(),
        "intake": "/tickets/new/",
        "objection-list": "/objections/mine/",
        "objection-form": "/objections/new/",
        "dispute-form": "/accounting/disputes/new/",
        "voucher-list": "/accounting/vouchers/",
        "insight": "/insight/",
    }


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_have_no_serious_accessibility_findings(
    page, everyone, ticket, books, login, screenshot, size
):
    dispute = make_dispute(everyone)
    objection = ObjectionFactory(owner=everyone)
    page.set_viewport_size(SIZES[size])
    page.goto(f"{page.base_url}/login/")
    findings = {"login": axe_findings(page)}
    screenshot(page, f"a11y-login-{size}")
    login(page, everyone)
    for name, path in main_pages(ticket, dispute, objection).items():
        page.goto(f"{page.base_url}{path}")
        page.wait_for_load_state("networkidle")
        findings[name] = axe_findings(page)
        screenshot(page, f"a11y-{name}-{size}")
    failing = {name: lines for name, lines in findings.items() if lines}
    assert not failing, "\n".join(f"{name}: {line}" for name, lines in failing.items() for line in lines)


@pytest.fixture
def phone(browser, live_server):
    """A phone at the well site: 390×844, touch, in Berlin's zone while the plant is in Beijing's."""
    context = browser.new_context(
        viewport=SIZES["phone"],
        locale="zh-CN",
        has_touch=True,
        is_mobile=True,
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES["phone"]["width"], f"the page is {width} px wide on a 390 px phone"


def _small_targets(page, scope: str) -> list[str]:
    """Buttons, and checkboxes and radios with their label, under `scope` that a finger
    cannot hit: less than 44 px high (a checkbox counts with its label, which ticks it too)."""
    return page.evaluate(
        """scope => {
          const small = [];
          const visible = el => el.offsetParent !== null && el.getClientRects().length;
          document.querySelectorAll(scope + " .btn, " + scope + " button").forEach(b => {
            if (!visible(b)) return;
            const r = b.getBoundingClientRect();
            const name = b.textContent.trim() || b.className;
            if (r.height < 44) small.push(`${name}: ${Math.round(r.height)} px`);
          });
          document.querySelectorAll(scope + " .form-check-input").forEach(input => {
            if (!visible(input)) return;
            const label = document.querySelector(`label[for="${input.id}"]`);
            const rects = [input, label].filter(Boolean).map(el => el.getBoundingClientRect());
            const top = Math.min(...rects.map(r => r.top)), bottom = Math.max(...rects.map(r => r.bottom));
            const own = input.getBoundingClientRect();
            if (bottom - top < 44 || own.height < 24)
              small.push(`#${input.id}: ${Math.round(bottom - top)} px, box ${Math.round(own.height)} px`);
          });
          return small;
        }""",
        scope,
    )


def test_on_a_phone_the_ticket_page_opens_on_what_to_do_next(phone, everyone, ticket, login, screenshot):
    login(phone, everyone)
    phone.goto(f"{phone.base_url}{ticket.get_absolute_url()}")
    screenshot(phone, "phone-ticket")
    phone.screenshot(path=str(screenshot(phone, "phone-ticket")).replace(".png", "-first-screen.png"))
    actions = phone.locator("#actions").bounding_box()
    first_action = phone.locator("#actions summary").first.bounding_box()
    assert actions["y"] < 844 * 0.25, actions  # in the top quarter of the first screen
    assert first_action["y"] + first_action["height"] < 844, first_action
    assert phone.locator("#actions .card-header").inner_text().startswith("您现在可以做的")
    _no_sideways_scroll(phone)
    # The timeline's note form: the "internal" checkbox and the button are finger-sized.
    assert not _small_targets(phone, "#timeline form")
    assert not _small_targets(phone, "#actions")


def test_on_a_phone_the_ticket_list_is_cards_with_the_filters_folded(
    phone, everyone, ticket, login, screenshot
):
    login(phone, everyone)
    phone.goto(f"{phone.base_url}/tickets/all/")
    phone.screenshot(path=str(screenshot(phone, "phone-ticket-list")).replace(".png", "-first-screen.png"))
    _no_sideways_scroll(phone)
    # The search box shows; the other filters wait behind one button.
    assert phone.locator("#id_q").is_visible()
    assert not phone.locator("#id_state").is_visible()
    # One card per ticket: the defect reads across the card, not one character per line.
    desc = phone.locator(".ticket-table td.ticket-desc").first.bounding_box()
    assert desc["width"] > 300, desc
    assert ticket.number in phone.locator(".ticket-table").inner_text()
    phone.click("#more-filters-toggle")
    phone.wait_for_selector("#id_state", state="visible")
    screenshot(phone, "phone-ticket-list-filters-open")
    phone.select_option("#id_severity", "high")
    phone.click("form[role=search] button[type=submit]")
    phone.wait_for_load_state()
    # A filter in use keeps the fold open and is counted on its button.
    assert phone.locator("#id_state").is_visible()
    assert phone.locator("#more-filters-toggle").inner_text() == "更多筛选 (1)"
    _no_sideways_scroll(phone)
    assert not _small_targets(phone, "form[role=search]")


def test_on_a_phone_the_header_keeps_the_language_box_and_the_name_whole(phone, everyone, login, screenshot):
    login(phone, everyone)
    phone.goto(f"{phone.base_url}/")
    phone.screenshot(path=str(screenshot(phone, "phone-home")).replace(".png", "-first-screen.png"))
    _no_sideways_scroll(phone)
    clipped = phone.evaluate(
        """() => {
          const select = document.querySelector("#language-select");
          const style = getComputedStyle(select);
          const ctx = document.createElement("canvas").getContext("2d");
          ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const text = ctx.measureText(select.options[select.selectedIndex].text).width;
          const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          const brand = document.querySelector(".navbar-brand");
          const out = [];
          if (text > room) out.push(`language box: ${Math.round(text)} px of text in ${Math.round(room)} px`);
          if (brand.scrollWidth > brand.clientWidth) out.push("the brand is cut");
          for (const el of [select, brand, document.querySelector("#notification-menu button")]) {
            const r = el.getBoundingClientRect();
            const gone = r.right > window.innerWidth || r.left < 0;
            if (gone) out.push(`${el.id || el.className} leaves the screen`);
          }
          return out;
        }"""
    )
    assert not clipped
    assert phone.locator("#language-select option:checked").inner_text() == "简体中文"
    assert not _small_targets(phone, ".app-navbar")


def test_on_a_phone_the_intake_form_has_finger_sized_targets(phone, everyone, login, screenshot):
    login(phone, everyone)
    phone.goto(f"{phone.base_url}/tickets/new/")
    screenshot(phone, "phone-intake")
    _no_sideways_scroll(phone)
    assert not _small_targets(phone, "#intake-form")
    phone.goto(f"{phone.base_url}/objections/new/")
    screenshot(phone, "phone-objection-form")
    _no_sideways_scroll(phone)
    assert not _small_targets(phone, "main form")


def test_a_call_back_time_typed_abroad_is_read_in_the_stated_zone(phone, everyone, login, screenshot):
    """A salesperson whose phone is on Berlin time promises a call-back "in four hours" by
    their own clock: the field says the time is Beijing time, and the refusal says which
    Beijing time it is now. Typed in Beijing time, the promise is kept at that time."""
    shipment = ShipmentFactory(customer__name="大庆油田装备有限公司")
    login(phone, everyone)
    phone.goto(f"{phone.base_url}/tickets/new/")
    assert phone.locator("#id_callback_due_at-zone").inner_text() == "北京时间 (UTC+8)"
    assert phone.get_attribute("#id_callback_due_at", "aria-describedby").endswith("id_callback_due_at-zone")
    choose(phone, "customer", "大庆")
    phone.fill("#id_customer_words", "套管接箍漏了")
    phone.fill("#id_description", "接箍渗漏")
    choose(phone, "shipment", text=shipment.lot_number)
    berlin_in_four_hours = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Berlin")) + datetime.timedelta(
        hours=4
    )
    phone.fill("#id_callback_due_at", berlin_in_four_hours.strftime("%Y-%m-%dT%H:%M"))
    finish_intake(phone, callback=False, wait=False)
    phone.wait_for_selector("#id_callback_due_at ~ .invalid-feedback, .zoned-datetime ~ .invalid-feedback")
    error = phone.locator(".zoned-datetime ~ .invalid-feedback").inner_text()
    assert error.startswith("回电时间须晚于现在（北京时间 "), error
    screenshot(phone, "phone-intake-callback-refused")
    beijing_in_four_hours = timezone.localtime() + datetime.timedelta(hours=4)
    phone.fill("#id_callback_due_at", beijing_in_four_hours.strftime("%Y-%m-%dT%H:%M"))
    phone.click("#intake-form button[type=submit]")
    phone.wait_for_selector("#ticket-number")
    promise = Commitment.objects.get()
    assert timezone.localtime(promise.due_at).strftime("%Y-%m-%d %H:%M") == beijing_in_four_hours.strftime(
        "%Y-%m-%d %H:%M"
    )


def test_on_a_phone_the_objection_list_is_cards_with_the_filters_folded(phone, everyone, login, screenshot):
    ObjectionFactory(owner=everyone, words="你们比宝鸡那家贵了一成，我们再看看，等下个季度预算批下来再说")
    login(phone, everyone)
    phone.goto(f"{phone.base_url}/objections/mine/")
    phone.screenshot(path=str(screenshot(phone, "phone-objection-list")).replace(".png", "-first-screen.png"))
    _no_sideways_scroll(phone)
    assert not phone.locator("#id_stage").is_visible()
    words = phone.locator("#objection-list td[data-label='客户原话']").bounding_box()
    assert words["width"] > 300, words
    phone.click("#more-filters-toggle")
    phone.wait_for_selector("#id_stage", state="visible")
    assert not _small_targets(phone, "#objection-filters")
