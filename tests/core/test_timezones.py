"""A typed time is read in the plant's zone (settings.TIME_ZONE), the field says which zone,
and a refusal names the zone and the time it compared with (issue 15 point 7)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from objections.services import FindOut, find_out_problems
from tickets.forms import IntakeForm
from ui.timezones import now_label, zone_label
from ui.widgets import ZonedDateTimeInput

UTC = datetime.UTC
# 14:05 in Beijing is 06:05 UTC, and 07:05 in Berlin, where a browser may well be.
NOW = datetime.datetime(2026, 12, 2, 6, 5, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_plant_zone_is_named_with_its_offset(frozen):
    with translation.override("zh-hans"):
        assert zone_label() == "北京时间 (UTC+8)"
        assert now_label() == "北京时间 2026-12-02 14:05"
    with translation.override("en"):
        assert zone_label() == "Beijing time (UTC+8)"


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Asia/Kolkata", "Asia/Kolkata (UTC+5:30)"),
        ("America/Sao_Paulo", "America/Sao_Paulo (UTC-3)"),
        ("UTC", "UTC (UTC)"),
    ],
)
def test_another_plant_zone_is_named_by_its_key(frozen, zone, label):
    with override_settings(TIME_ZONE=zone):
        assert zone_label() == label


def test_the_datetime_box_states_the_zone_next_to_it(frozen):
    with translation.override("zh-hans"):
        html = ZonedDateTimeInput().render("callback_due_at", None, attrs={"id": "id_callback_due_at"})
    assert 'type="datetime-local"' in html
    assert 'aria-describedby="id_callback_due_at-zone"' in html
    assert '<span class="input-group-text" id="id_callback_due_at-zone">北京时间 (UTC+8)</span>' in html


@pytest.mark.django_db
def test_a_call_back_time_is_read_in_the_plant_zone(frozen):
    """18:05 typed in a browser in Berlin is 18:05 Beijing time (10:05 UTC), four hours ahead."""
    form = IntakeForm(data={"callback_due_at": "2026-12-02T18:05"})
    form.is_valid()
    assert "callback_due_at" not in form.errors
    assert form.cleaned_data["callback_due_at"] == datetime.datetime(2026, 12, 2, 10, 5, tzinfo=UTC)
    assert form.cleaned_data["callback_due_at"].astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).hour == 18


@pytest.mark.django_db
def test_a_call_back_time_before_now_is_refused_naming_the_zone_and_now(frozen):
    """11:05, four hours after 07:05 in Berlin, is three hours ago in Beijing: the message
    says which zone and which 'now' it compared with."""
    with translation.override("zh-hans"):
        form = IntakeForm(data={"callback_due_at": "2026-12-02T11:05"})
        form.is_valid()
        assert form.errors["callback_due_at"] == ["回电时间须晚于现在（北京时间 2026-12-02 14:05）。"]
    with translation.override("en"):
        form = IntakeForm(data={"callback_due_at": "2026-12-02T11:05"})
        form.is_valid()
        assert form.errors["callback_due_at"] == [
            "The call-back time must be later than now (Beijing time 2026-12-02 14:05)."
        ]


def test_a_find_out_promise_before_now_names_the_zone(frozen):
    with translation.override("zh-hans"):
        errors = find_out_problems(FindOut(what="查交货期", due_at=NOW - datetime.timedelta(minutes=1)))
    assert errors == {"find_out_due_at": "承诺的答复时间必须晚于现在（北京时间 2026-12-02 14:05）。"}
