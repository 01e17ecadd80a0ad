"""The dashboards as people use them: drill-downs land on exactly the bar's tickets, the
exports open (openpyxl, PDF text), the role rules hold, bad input answers 200 with the
defaults, and the query count does not grow with the data."""

import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from insight.services import refresh_summaries
from tests.factories import CustomerFactory
from tests.insight.conftest import NOW
from tests.tickets.factories import TicketFactory, intake_data
from tests.tickets.test_pages import main_content
from tickets import services
from tickets.errors import NotAllowed

pytestmark = pytest.mark.django_db
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-11-30"}


@pytest.fixture
def gm(make_user):
    return make_user(Role.GENERAL_MANAGER)


def list_numbers(client, url) -> set[str]:
    return set(re.findall(r"KS-\d{4}-\d{6}", main_content(client.get(url)).split("<tbody>", 1)[1]))


def drill_of(html: str, table_id: str, label: str) -> str:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    match = re.search(r'<a href="([^"]+)">' + re.escape(label) + "</a>", table)
    assert match, f"{label} has no link in {table_id}"
    return match.group(1).replace("&amp;", "&")


def test_pareto_bar_drills_down_to_exactly_its_tickets(client, world, gm):
    client.force_login(gm)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("insight:dashboard"), PERIOD).content.decode()
        url = drill_of(html, "chart-pareto-defect-table", "螺纹损伤/粘扣")
        assert list_numbers(client, url) == {world[k].number for k in "ABD"}
        url = drill_of(html, "chart-age-table", "15–30 天")
        assert list_numbers(client, url) == {world["C"].number, world["D"].number}
        url = drill_of(html, "chart-month-table", "2026-11")
        assert list_numbers(client, url) == {world["C"].number, world["D"].number}
        url = drill_of(html, "chart-department-table", "采购部")
        assert list_numbers(client, url) == {world["A"].number}


def test_repeat_row_lists_both_tickets(client, world, gm):
    client.force_login(gm)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("insight:dashboard"), PERIOD).content.decode()
        table = html.split('id="repeats-table"', 1)[1].split("</table>", 1)[0]
        urls = [u.replace("&amp;", "&") for u in re.findall(r'href="(/tickets/all/\?numbers=[^"]+)"', table)]
        assert {frozenset(list_numbers(client, u)) for u in urls} == {
            frozenset({world["E"].number, world["A"].number}),
            frozenset({world["A"].number, world["B"].number}),
            frozenset({world["B"].number, world["D"].number}),
        }


def test_general_manager_sees_everything_and_can_do_nothing(client, world, gm):
    client.force_login(gm)
    html = client.get(reverse("insight:dashboard"), PERIOD).content.decode()
    assert 'id="cost"' in html and "¥4,450.00" in html
    assert client.get(reverse("insight:service_levels"), PERIOD).status_code == 200
    page = client.get(world["A"].get_absolute_url()).content.decode()
    assert 'id="quality-panel"' in page and 'id="no-actions"' in page
    with pytest.raises(NotAllowed):
        services.note_add(ticket=world["A"], by=gm, text="看过了")
    response = client.post(reverse("tickets:act", args=[world["B"].number, "plan"]), {"version": 1})
    assert response.status_code == 302
    world["B"].refresh_from_db()
    assert world["B"].state == "received"


def test_project_manager_sees_the_dashboard_without_money(client, world, people):
    client.force_login(people.pm)
    html = client.get(reverse("insight:dashboard"), PERIOD).content.decode()
    assert 'id="chart-month"' in html and 'id="cost"' not in html and "¥" not in html
    assert 'id="ticket-cost"' not in client.get(world["A"].get_absolute_url()).content.decode()


@pytest.mark.parametrize("name", ["dashboard", "service_levels", "monthly_report", "monthly_report_pdf"])
def test_sales_sees_no_dashboard(client, world, people, name):
    client.force_login(people.sales)
    assert client.get(reverse(f"insight:{name}")).status_code == 403


def test_finance_sees_the_ticket_cost(client, world, people):
    client.force_login(people.finance)
    page = client.get(world["A"].get_absolute_url()).content.decode()
    assert 'data-testid="ticket-cost-net">¥4,450.00' in page


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "x", "date_to": "²"},
        {"date_from": "2026-12-01", "date_to": "2026-01-01"},
        {"product": "99999999999999999999", "customer": "abc", "supplier": "²", "repeat_months": "1e9"},
        {"department": "x" * 10000, "date_to": "9999-99-99"},
    ],
)
def test_bad_filters_answer_with_the_defaults(client, world, gm, query):
    client.force_login(gm)
    for name in ("insight:dashboard", "insight:service_levels"):
        assert client.get(reverse(name), query).status_code == 200


def test_a_nul_byte_in_a_filter_is_the_site_wide_400(client, world, gm):
    client.force_login(gm)
    assert client.get(reverse("insight:dashboard"), {"supplier": "\x00"}).status_code == 400


def test_8d_page_is_filled_from_the_ticket(client, world, people):
    client.force_login(people.sales)
    number = world["A"].number
    html = client.get(reverse("insight:report_8d", args=[number])).content.decode()
    for code in ("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"):
        assert f'id="{code}"' in html
    assert "热处理不足" in html and "加严检验" in html
    assert client.get(reverse("insight:report_8d", args=["KS-0000-000000"])).status_code == 404


def test_ticket_list_exports_open_with_the_filters(client, world, gm):
    client.force_login(gm)
    params = {"defect": world["thread"].pk, "created_from": "2026-10-01"}
    response = client.get(reverse("tickets:export", args=["csv"]), params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("编号,状态,登记")
    assert {world[k].number for k in "ABD"} == set(re.findall(r"KS-\d{4}-\d{6}", text))
    response = client.get(reverse("tickets:export", args=["xlsx"]), params)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 4
    assert {r[0] for r in rows[1:]} == {world[k].number for k in "ABD"}
    assert client.get(reverse("tickets:export", args=["pdf"])).status_code == 404


def test_export_cells_never_run_as_formulas(client, people, shipment):
    TicketFactory(shipment=shipment, people=people, description='=HYPERLINK("x")')
    client.force_login(people.qc)
    text = b"".join(client.get(reverse("tickets:export", args=["csv"])).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_sales_may_not_export(client, people):
    client.force_login(people.sales)
    assert client.get(reverse("tickets:export", args=["csv"])).status_code == 403


def test_dashboard_queries_do_not_grow_with_the_data(
    client, world, gm, new_ticket, django_assert_max_num_queries
):
    client.force_login(gm)
    refresh_summaries()
    with django_assert_max_num_queries(40) as before:
        client.get(reverse("insight:dashboard"), PERIOD)
    with django_assert_max_num_queries(20) as service:
        client.get(reverse("insight:service_levels"), PERIOD)
    for _ in range(5):
        new_ticket()
    refresh_summaries()
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("insight:dashboard"))
    with django_assert_max_num_queries(len(service.captured_queries)):
        client.get(reverse("insight:service_levels"))


def test_xlsx_export_streams_and_keeps_markup_as_text(client, people, shipment):
    """The workbook is sent in pieces as the rows are read (not built whole first), and
    text that looks like XML or a formula stays text; control characters Excel refuses
    are dropped."""
    services.ticket_create(by=people.sales, **intake_data(shipment, description='<b>&"x"\x01</b> =1+1'))
    client.force_login(people.qc)
    response = client.get(reverse("tickets:export", args=["xlsx"]))
    assert response.streaming and response["Content-Disposition"].endswith('.xlsx"')
    pieces = list(response.streaming_content)
    assert len(pieces) >= 2  # the package's first parts leave before the rows are read
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(pieces))).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert '<b>&"x"</b> =1+1' in rows[1]


def test_the_filters_list_only_the_chosen_customer_and_find_others_by_typing(client, world, gm):
    """As on the ticket list: the chosen customer is the one option sent; the others are
    found by typing (the page does not carry every customer)."""
    CustomerFactory(name="不该列出的客户")
    client.force_login(gm)
    chosen = world["A"].customer
    html = client.get(reverse("insight:dashboard"), {**PERIOD, "customer": chosen.pk}).content.decode()
    form = html.split('id="id_customer"', 1)[1].split("</select>", 1)[0]
    assert f'value="{chosen.pk}" selected' in form and "不该列出的客户" not in html
    assert "data-autocomplete" in html.split('<select name="customer"', 1)[1].split(">", 1)[0]
