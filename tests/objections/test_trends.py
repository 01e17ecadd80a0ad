import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from objections.models import Objection
from objections.selectors import objections_visible_to, trends
from tests.objections.factories import ObjectionFactory, objection_type

pytestmark = pytest.mark.django_db
OUT = Objection.Outcome
TZ = timezone.get_default_timezone()


def _at(day: datetime.date, **kw):
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False):
        return ObjectionFactory(**kw)


def _data():
    _at(datetime.date(2026, 9, 30), outcome=OUT.WON, outcome_date=datetime.date(2026, 10, 2))
    _at(datetime.date(2026, 10, 1), outcome=OUT.LOST, outcome_date=datetime.date(2026, 10, 3))
    _at(datetime.date(2026, 10, 15), stage=Objection.Stage.CLOSING, type=objection_type("timing"))
    _at(
        datetime.date(2026, 11, 3),
        stage=Objection.Stage.CONTACT,
        type=objection_type("timing"),
        outcome=OUT.RESOLVED,
        outcome_date=datetime.date(2026, 11, 4),
    )


def test_counts_by_type_stage_and_month_with_win_rate(make_user):
    _data()
    data = trends(objections=objections_visible_to(make_user(Role.SALES_MANAGER)))
    assert data["total"] == {"count": 4, "won": 1, "closed": 3, "win_rate": round(1 / 3, 4)}
    assert {r["code"]: (r["count"], r["win_rate"]) for r in data["by_type"]} == {
        "price": (2, 0.5),
        "timing": (2, 0.0),
    }
    assert [(r["code"], r["count"]) for r in data["by_stage"]] == [
        ("contact", 1),
        ("negotiation", 2),
        ("closing", 1),
    ]
    assert [(r["month"], r["count"], r["won"]) for r in data["by_month"]] == [
        ("2026-09", 1, 1),
        ("2026-10", 2, 0),
        ("2026-11", 1, 0),
    ]


def test_a_month_with_only_pending_objections_has_no_rate(make_user):
    _at(datetime.date(2026, 8, 5))
    (month,) = trends(objections=Objection.objects.all())["by_month"]
    assert month["win_rate"] is None


def test_trends_page_is_for_the_sales_manager(client, make_user):
    _data()
    client.force_login(make_user(Role.SALES))
    assert client.get(reverse("objections:trends")).status_code == 403
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:trends")).content.decode()
    assert "异议后成交率" in body and 'id="kpi-count">4<' in body and "chart.umd.min.js" in body
    assert "2026-10" in body  # month labels reach the chart data


def test_trends_filter_by_salesperson(client, make_user):
    _data()
    mine = ObjectionFactory()
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:trends"), {"owner": mine.owner_id}).content.decode()
    assert 'id="kpi-count">1<' in body
