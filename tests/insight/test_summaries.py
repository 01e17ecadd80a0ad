"""The summary tables behind the cost of poor quality and time in step (docs/insight.md,
"Speed at scale"): the same figures as the live computation on the hand-counted set, under
each filter; a refresh run twice changes nothing; a change is picked up by the next
incremental refresh; the pages say as of when, and have figures on the first visit."""

import dataclasses
import datetime
import io
import statistics
from dataclasses import asdict

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.roles import Role
from insight import selectors, services, tasks
from insight.models import CostLine, RepeatLink, StayRollup, StepStay, SummaryRefresh
from insight.selectors import Filters
from tests.insight.conftest import NOW, at
from tests.tickets.factories import step_data
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
PERIOD = Filters(date_from=datetime.date(2026, 10, 1), date_to=datetime.date(2026, 11, 30))


def plain(figures: dict) -> dict:
    return {
        key: [asdict(r) for r in rows] if isinstance(rows, list) else asdict(rows)
        for key, rows in figures.items()
    }


def variants(world) -> list[Filters]:
    a = world["A"]
    return [
        PERIOD,
        Filters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)),
        Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, product=a.product),
        Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, customer=a.customer),
        Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, supplier=world["supplier"]),
        Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, department="purchasing"),
        Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, department="technical"),
        Filters(date_from=datetime.date(2026, 11, 1), date_to=datetime.date(2026, 11, 30)),
        # Parts of months: the rollup's whole months and the stays around them added up.
        Filters(date_from=datetime.date(2026, 10, 5), date_to=datetime.date(2026, 11, 30)),
        Filters(date_from=datetime.date(2026, 9, 2), date_to=datetime.date(2026, 11, 3)),
        Filters(date_from=datetime.date(2026, 10, 6), date_to=datetime.date(2026, 11, 9)),
        Filters(
            date_from=datetime.date(2026, 9, 15), date_to=datetime.date(2026, 12, 1), department="purchasing"
        ),
    ]


def test_summaries_give_the_live_figures_under_every_filter(world):
    services.refresh_summaries(now=NOW)
    with time_machine.travel(NOW, tick=False):
        for f in variants(world):
            assert plain(selectors.cost_of_poor_quality(f)) == plain(
                selectors.cost_of_poor_quality_live(f)
            ), f
            assert plain(selectors.time_in_steps(f)) == plain(selectors.time_in_steps_live(f)), f
            for months in (1, 2, 6):
                g = dataclasses.replace(f, repeat_months=months)
                assert selectors.repeats(g) == selectors.repeats(g, live=True), g


def test_summary_figures_are_the_hand_counted_ones(world):
    services.refresh_summaries(now=NOW)
    cost = selectors.cost_of_poor_quality(PERIOD)
    assert (cost["total"].net, cost["total"].recovered) == (4450, 6000)
    assert [(c.label, c.tickets) for c in cost["month"]] == [("2026-10", 1)]
    steps = {s.state: (s.count, s.median_h, s.p90_h) for s in selectors.time_in_steps(PERIOD)["steps"]}
    assert steps["received"] == (2, 3.0, 4.0) and steps["confirming"] == (1, 48.0, 48.0)


def rows():
    return (
        sorted(CostLine.objects.values_list("ticket_id", "parts", "booked", "recovered", "supplier_id")),
        sorted(StepStay.objects.values_list("ticket_id", "state", "actor_id", "hours")),
        sorted(
            StayRollup.objects.values_list(
                "month", "root_cause_category", "state", "actor_id", "tenths", "stays", "low", "high"
            )
        ),
        sorted(
            RepeatLink.objects.values_list("ticket_id", "product_id", "defect_type_id", "prev_id", "prev_at")
        ),
    )


def test_refresh_is_idempotent_and_incremental(world, people):
    first = services.refresh_summaries(now=NOW)
    assert first.tickets == Ticket.objects.count()
    before = rows()
    again = services.refresh_summaries(now=NOW + datetime.timedelta(minutes=5))
    assert rows() == before
    assert again.full_at == first.full_at  # the second run only looked at what changed
    assert SummaryRefresh.objects.count() == 1

    # C (planned) is assigned: its "planned" stay ends and lands in the next refresh.
    later = NOW + datetime.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        c = Ticket.objects.get(pk=world["C"].pk)
        ticket_services.ticket_transition(
            ticket=c, to="assign", by=people.prod, data=step_data("assign", people)
        )
    assert StepStay.objects.filter(ticket_id=c.pk, state="planned").count() == 0
    third = services.refresh_summaries(now=later + datetime.timedelta(minutes=1))
    assert third.tickets < Ticket.objects.count()  # incremental
    assert list(
        StepStay.objects.filter(ticket_id=c.pk, state="planned").values_list("actor_id", flat=True)
    ) == [people.prod.pk]
    # November's rollup was recounted: C's planned stay (13:00 → assigned) is in it.
    planned = StayRollup.objects.get(month=datetime.date(2026, 11, 1), state="planned")
    assert (planned.stays, planned.actor_id) == (1, people.prod.pk)
    with time_machine.travel(later, tick=False):
        for f in variants(world):
            assert plain(selectors.time_in_steps(f)) == plain(selectors.time_in_steps_live(f)), f
    # A full rebuild gives the same rows as the incremental ones.
    after = rows()
    services.refresh_summaries(full=True, now=later + datetime.timedelta(minutes=2))
    assert rows() == after


def test_a_ticket_moved_to_another_defect_changes_both_series_at_the_next_refresh(world):
    """B (THREAD, 20 Oct) becomes a LEAK: D's earlier ticket is now A, and C (LEAK, 3 Nov)
    repeats B — an incremental refresh finds both, as a full rebuild would."""
    w = world
    services.refresh_summaries(now=NOW)
    later = NOW + datetime.timedelta(minutes=20)
    Ticket.objects.filter(pk=w["B"].pk).update(defect_type=w["leak"], updated_at=later)
    record = services.refresh_summaries(now=later + datetime.timedelta(minutes=1))
    assert record.tickets == 1
    links = dict(RepeatLink.objects.values_list("ticket_id", "prev_id"))
    assert links[w["D"].pk] == w["A"].pk and links[w["C"].pk] == w["B"].pk and w["B"].pk not in links
    for f in variants(world):
        assert selectors.repeats(f) == selectors.repeats(f, live=True), f
    after = rows()
    services.refresh_summaries(full=True, now=later + datetime.timedelta(minutes=2))
    assert rows() == after


def test_a_day_after_the_last_full_rebuild_the_refresh_is_full(world):
    first = services.refresh_summaries(now=NOW)
    next_day = services.refresh_summaries(now=NOW + datetime.timedelta(days=1))
    assert next_day.full_at > first.full_at and next_day.tickets == Ticket.objects.count()


def test_dashboard_shows_as_of_and_has_figures_on_the_first_visit(client, world, make_user):
    """Never summarised: the page asks for a refresh; with eager tasks (the demo) it runs at
    once, so the first visit has the cost and says as of when."""
    assert not SummaryRefresh.objects.exists()
    client.force_login(make_user(Role.GENERAL_MANAGER))
    with time_machine.travel(at(12, 1, 10, 30), tick=False):
        html = client.get(reverse("insight:dashboard"), {"date_from": "2026-10-01", "date_to": "2026-11-30"})
        html = html.content.decode()
    assert "数据截至 10:30" in html
    assert 'data-testid="cost-net">¥4,450.00' in html or "4,450.00" in html
    with time_machine.travel(at(12, 2, 9, 0), tick=False):
        html = client.get(reverse("insight:service_levels")).content.decode()
    assert "数据截至 2026-12-01 10:30" in html


def test_without_a_worker_the_page_says_not_summarised_yet(client, world, make_user, monkeypatch):
    queued = []  # the worker (outside this process) has not run the refresh yet
    monkeypatch.setattr(tasks.refresh_insight_summaries, "delay", lambda *a, **k: queued.append(a))
    client.force_login(make_user(Role.GENERAL_MANAGER))
    html = client.get(reverse("insight:service_levels")).content.decode()
    assert "尚未汇总" in html and queued


def test_grouped_counts_are_each_figure_by_itself(world):
    """The dashboard's one GROUPING SETS query gives what each figure's own query gives."""
    for f in variants(world):
        grouped = selectors.grouped_counts(f, now=NOW)
        assert selectors.summary(f, grouped=grouped) == selectors.summary(f), f
        assert selectors.per_month(f, grouped=grouped) == selectors.per_month(f), f
        for dim in selectors.PARETO_DIMENSIONS:
            assert selectors.pareto(f, dim, grouped=grouped) == selectors.pareto(f, dim), (f, dim)
        assert selectors.by_department(f, grouped=grouped) == selectors.by_department(f), f
        assert selectors.open_by_age(f, NOW, grouped=grouped) == selectors.open_by_age(f, NOW), f
        assert selectors.open_by_state(f, grouped=grouped) == selectors.open_by_state(f), f


def test_repeat_failures_under_the_filters(world):
    """The filters choose the later ticket; the earlier one may be anyone's (hand-counted:
    A after E, B after A, D after B; only A has a root cause, material → purchasing)."""
    w = world
    services.refresh_summaries(now=NOW)

    def pairs(**filters):
        count, rows = selectors.repeats(
            Filters(date_from=PERIOD.date_from, date_to=PERIOD.date_to, **filters)
        )
        return count, {(r.later.number, r.earlier_number) for r in rows}

    assert pairs(product=w["A"].product)[0] == 3
    assert pairs(department="purchasing") == (1, {(w["A"].number, w["E"].number)})
    assert pairs(supplier=w["supplier"]) == (1, {(w["A"].number, w["E"].number)})
    assert pairs(department="technical") == (0, set())
    assert selectors.repeats(PERIOD, limit=1)[0] == 3 and len(selectors.repeats(PERIOD, limit=1)[1]) == 1
    assert selectors.repeats(PERIOD, limit=1)[1][0].later.number == w["D"].number  # the latest


def test_beat_runs_the_refresh_and_the_command_does_it_by_hand(world, settings):
    assert any(
        e["task"] == "insight.tasks.refresh_insight_summaries" for e in settings.CELERY_BEAT_SCHEDULE.values()
    )
    assert (
        tasks.refresh_insight_summaries.delay().get() == Ticket.objects.count()
    )  # eager: the first run is full
    out = io.StringIO()
    call_command("refresh_insight", "--full", stdout=out)
    assert f"{Ticket.objects.count()} tickets recomputed" in out.getvalue()
    assert SummaryRefresh.objects.count() == 1


@hsettings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(min_value=0, max_value=500, allow_nan=False),
            st.integers(min_value=0, max_value=400).map(lambda n: n / 20),  # ties: x.x5
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_rollup_cells_give_the_median_and_p90_shown(hours):
    """Counted in tenths with each cell's shortest and longest stay, the median and the
    90th percentile are what the stays themselves give, to the tenth shown — also when the
    two middle stays fall in different tenths."""
    cells: dict = {}
    for h in hours:
        cell = cells.setdefault(selectors.tenths(h), [0, h, h])
        cell[0], cell[1], cell[2] = cell[0] + 1, min(cell[1], h), max(cell[2], h)
    n, median, p90 = selectors._cell_stats(cells)
    shown = [selectors.tenths(x) for x in (median, p90)]
    assert (n, *shown) == (
        len(hours),
        selectors.tenths(statistics.median(hours)),
        selectors.tenths(selectors._percentile(hours, 90)),
    )
