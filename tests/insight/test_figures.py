"""Each dashboard figure against the hand-counted set in conftest.py."""

import datetime
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from insight import selectors
from insight.selectors import Filters
from insight.services import refresh_summaries
from tests.insight.conftest import NOW
from workhours import calendar
from workhours.models import WorkingPeriod

pytestmark = pytest.mark.django_db
PERIOD = Filters(date_from=datetime.date(2026, 10, 1), date_to=datetime.date(2026, 11, 30))


def values(bars):
    return [(str(b.label), b.value) for b in bars]


def test_complaints_per_month(world):
    assert values(selectors.per_month(PERIOD)) == [("2026-10", 2), ("2026-11", 2)]


def test_pareto_of_defects_with_cumulative_share(world):
    bars = selectors.pareto(PERIOD, "defect")
    assert [(b.label, b.value, b.cumulative) for b in bars] == [
        ("螺纹损伤/粘扣", 3, 75.0),
        ("接箍渗漏/密封失效", 1, 100.0),
    ]


def test_pareto_of_root_causes_and_suppliers_count_the_unclassified_apart(world):
    causes = selectors.pareto(PERIOD, "root_cause")
    assert [(b.value, bool(b.drill)) for b in causes] == [(3, False), (1, True)]
    assert causes[1].label == "外购材料（供应商）"
    suppliers = selectors.pareto(PERIOD, "supplier")
    assert ("宝钢测试", 1) in values(suppliers)


@pytest.mark.parametrize("live", [False, True])
def test_repeat_failures_link_the_earlier_ticket(world, live):
    refresh_summaries()
    count, rows = selectors.repeats(PERIOD, live=live)
    assert count == 3  # A (after E), B (after A), D (after B); C is the first leak
    pairs = {(r.later.number, r.earlier_number) for r in rows}
    w = world
    assert pairs == {
        (w["A"].number, w["E"].number),
        (w["B"].number, w["A"].number),
        (w["D"].number, w["B"].number),
    }
    b_row = next(r for r in rows if r.later.number == w["B"].number)
    assert b_row.earlier_action == "更换"  # A's corrective action
    assert b_row.capa_status == "待验证"
    short = Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, repeat_months=1)
    assert selectors.repeats(short, live=live)[0] == 2  # A is 34 days after E: not within 30 days


def test_capa_effectiveness(world):
    assert values(selectors.capa_effectiveness(PERIOD)) == [
        ("有效", 0),
        ("无效", 0),
        ("已取消(工单重新打开)", 0),
        ("待验证", 1),
    ]


def test_open_tickets_by_age_and_waiting_step(world):
    ages = dict(values(selectors.open_by_age(PERIOD, now=NOW)))
    assert ages == {"0–2 天": 0, "3–7 天": 0, "8–14 天": 0, "15–30 天": 2, "31–60 天": 1, "60 天以上": 0}
    steps = dict(values(selectors.open_by_state(PERIOD)))
    assert steps["已接收"] == 2 and steps["已计划"] == 1 and sum(steps.values()) == 3


@pytest.mark.parametrize("source", ["summary", "live"])
def test_cost_of_poor_quality_chain(world, source):
    if source == "summary":
        refresh_summaries()
        cost = selectors.cost_of_poor_quality(PERIOD)
    else:
        cost = selectors.cost_of_poor_quality_live(PERIOD)
    total = cost["total"]
    assert (total.parts, total.booked, total.recovered, total.net) == (
        Decimal("450.00"), Decimal("10000.00"), Decimal("6000.00"), Decimal("4450.00"),
    )  # fmt: skip
    assert [(c.label, c.net) for c in cost["month"]] == [("2026-10", Decimal("4450.00"))]
    assert [(c.label, c.recovered) for c in cost["supplier"]] == [("宝钢测试", Decimal("6000.00"))]
    assert cost["tickets"][0].label == world["A"].number


@pytest.mark.parametrize("source", ["summary", "live"])
def test_time_in_step_median_and_p90(world, source):
    with time_machine.travel(NOW, tick=False):
        refresh_summaries()
        times = (
            selectors.time_in_steps(PERIOD) if source == "summary" else selectors.time_in_steps_live(PERIOD)
        )
    steps = {s.state: (s.count, s.median_h, s.p90_h) for s in times["steps"]}
    assert steps["received"] == (2, 3.0, 4.0)  # A 2 h, C 4 h
    assert steps["planned"] == (1, 3.0, 3.0)
    assert steps["in_service"] == (1, 24.0, 24.0)
    assert steps["confirming"] == (1, 48.0, 48.0)
    people = {(p.state, p.who) for p in times["people"]}
    assert ("received", "测试用户2") in people or any(p.state == "received" for p in times["people"])


def test_service_level_compliance_by_severity(world):
    rows = {r.severity: r for r in selectors.sla_compliance(PERIOD, now=NOW)}
    high = rows["high"]
    assert (high.response_met, high.response_missed, high.response_breached) == (2, 0, 2)
    assert (high.resolution_met, high.resolution_missed, high.resolution_breached) == (1, 0, 3)
    assert high.response_rate == 50.0 and rows["low"].response_rate is None


def test_service_level_compliance_is_the_same_per_ticket_in_working_hours_mode(world, settings):
    """The wall-clock SQL aggregate and the per-ticket clocks agree (a calendar with every
    hour of every day working is the wall clock)."""
    sql = [vars(r) for r in selectors.sla_compliance(PERIOD, now=NOW)]
    WorkingPeriod.objects.all().delete()
    WorkingPeriod.objects.bulk_create(
        [WorkingPeriod(weekday=w, start=dt.time(0, 0), end=dt.time(23, 59, 59, 999999)) for w in range(7)]
    )
    settings.SLA_CLOCK = "working"
    calendar.forget()
    try:
        per_ticket = [vars(r) for r in selectors.sla_compliance(PERIOD, now=NOW)]
    finally:
        calendar.forget()
    assert per_ticket == sql


def test_time_in_step_on_working_hours(world, settings):
    """With the plant calendar, A's disposition step (Tue 6 Oct 15:00 → Wed 7 Oct) falls in
    the National Day holiday (1–7 Oct): no working hour passes in it."""
    settings.SLA_CLOCK = "working"
    calendar.forget()
    try:
        with time_machine.travel(NOW, tick=False):
            refresh_summaries()  # a changed clock: a full rebuild
            steps = {s.state: s.median_h for s in selectors.time_in_steps(PERIOD)["steps"]}
            assert selectors.time_in_steps_live(PERIOD) == selectors.time_in_steps(PERIOD)
    finally:
        calendar.forget()
    assert steps["in_service"] == 0.0  # A: Mon 5 → Tue 6 Oct, both National Day holidays
    assert steps["received"] == 1.5  # A 0 h (5 Oct), C Tue 3 Nov 09:00–13:00 = 3 h (lunch): median 1.5
    assert steps["confirming"] == 5.5  # 6 Oct 15:00 → Thu 8 Oct 15:00: 08:30–12:00 and 13:00–15:00
