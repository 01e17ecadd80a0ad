"""A hand-counted set of complaints for the dashboards (all severity high: 4 h / 168 h).

    E  1 Sep  THREAD  received                 (before the period: only an "earlier" ticket)
    A  5 Oct  THREAD  archived: plan +2 h, assign +3 h, start +1 h, disposition +24 h,
                      archive +48 h; root cause material, supplier S; parts ¥450; a dispute
                      (indirect loss ¥10,000, supplier bears ¥6,000) with posted vouchers
    B 20 Oct  THREAD  received                 (repeat of A)
    C  3 Nov  LEAK    planned after 4 h
    D 10 Nov  THREAD  received                 (repeat of B)

Period 1 Oct – 30 Nov 2026; "now" is 1 Dec 2026 12:00 (Shanghai).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from accounting import services as accounting
from tests.accounting.factories import finance_pair, posted_vouchers
from tests.factories import SupplierFactory
from tests.tickets import factories
from tests.tickets.conftest import new_ticket, people, shipment  # noqa: F401
from tests.tickets.factories import TicketFactory
from tickets.models import DefectType, Ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=SH)


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def chinese():
    """The figures carry their labels in the active language: Chinese, whatever ran before."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(people, shipment):  # noqa: F811 - the fixtures imported above
    thread, leak = DefectType.objects.get(code="THREAD"), DefectType.objects.get(code="LEAK")
    supplier = SupplierFactory(name="宝钢测试")

    def log(when, defect):
        with time_machine.travel(when, tick=False):
            return TicketFactory(shipment=shipment, people=people, defect_type=defect)

    def act(ticket, name, who, when, **data):
        with time_machine.travel(when, tick=False):
            return factories.act(Ticket.objects.get(pk=ticket.pk), name, people, who, **data)

    e = log(at(9, 1), thread)
    a = log(at(10, 5), thread)
    act(a, "plan", people.pm, at(10, 5, 11))
    act(a, "assign", people.prod, at(10, 5, 14))
    act(a, "start_service", people.lead, at(10, 5, 15))
    act(
        a, "submit_disposition", people.lead, at(10, 6, 15),
        root_cause_category="material", supplier=supplier.pk, parts_cost="450.00",
    )  # fmt: skip
    act(a, "sign_off", people.pm, at(10, 7, 10), capacity="project_manager")
    act(a, "sign_off", people.prod, at(10, 7, 11), capacity="production_manager")
    act(a, "archive", people.qc, at(10, 8, 15))
    b = log(at(10, 20), thread)
    c = log(at(11, 3), leak)
    act(c, "plan", people.pm, at(11, 3, 13))
    d = log(at(11, 10), thread)
    preparer, reviewer = finance_pair()
    a = Ticket.objects.get(pk=a.pk)
    with time_machine.travel(at(10, 9, 10), tick=False):
        dispute = accounting.dispute_create(
            by=preparer,
            booking_date=datetime.date(2026, 10, 9),
            source=a,
            node="after_sale",
            outcome="indirect_loss_compensation",
            supplier=supplier,
            compensation_to_customer=Decimal("10000"),
            supplier_recourse=Decimal("6000"),
            # the supplier signed, and the customer was paid, the same day (each voucher's date)
            agreement_date=datetime.date(2026, 10, 9),
            payment_date=datetime.date(2026, 10, 9),
        )
        posted_vouchers(dispute, preparer, reviewer)
    tickets = {name: Ticket.objects.get(pk=t.pk) for name, t in zip("EABCD", (e, a, b, c, d), strict=True)}
    return {**tickets, "supplier": supplier, "thread": thread, "leak": leak}
