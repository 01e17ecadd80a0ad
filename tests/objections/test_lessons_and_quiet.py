"""Issue 14.5 (objection guide §1): a lost objection keeps its lesson ("learn from rejection"), shown in
the playbook; a customer who raises no objection at all (§1-三.5) is marked, and the trends
show how often that happens and how those sales end."""

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.roles import Role
from apperrors.exceptions import AppError, Forbidden
from objections.models import Objection, Prospect, QuietContact
from objections.selectors import objections_visible_to, playbook, quiet_contacts_visible_to, trends
from objections.services import (
    objection_log,
    objection_update,
    prospect_link_customer,
    quiet_contact_log,
    quiet_contact_update,
)
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, QuietContactFactory, closed, objection_type

pytestmark = pytest.mark.django_db
OUT = Objection.Outcome
TZ = timezone.get_default_timezone()
LESSON_NEEDED = "这条异议已丢单：请写下我们从中学到了什么。"
TODAY = timezone.localdate


def _zh(fn, **kwargs):
    with translation.override("zh-hans"):
        return fn(**kwargs)


def _objection(by, **overrides):
    data = {
        "by": by,
        "customer": CustomerFactory(),
        "stage": Objection.Stage.NEGOTIATION,
        "words": "太贵了",
        "type": objection_type("price"),
        "genuineness": Objection.Genuineness.TRUE,
        "technique": Objection.Technique.YES_BUT,
        "response": "是的，但寿命长一倍",
    }
    return _zh(objection_log, **(data | overrides))


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the lesson of a lost objection -------------------------------------------------------


def test_a_lost_objection_without_its_lesson_is_refused_and_nothing_is_saved(make_user):
    with pytest.raises(AppError) as exc:
        _objection(make_user(Role.SALES), outcome=OUT.LOST, outcome_date=TODAY(), lesson="  ")
    assert exc.value.errors == {"lesson": [LESSON_NEEDED]}
    assert not Objection.objects.exists()


def test_a_lost_objection_keeps_its_lesson(make_user):
    objection, _ = _objection(
        make_user(Role.SALES), outcome=OUT.LOST, outcome_date=TODAY(), lesson=" 先问预算 "
    )
    assert objection.lesson == "先问预算"


def test_recording_a_loss_later_needs_the_lesson_too(make_user):
    objection = ObjectionFactory()
    with pytest.raises(AppError) as exc:
        _zh(objection_update, objection=objection, by=objection.owner, outcome=OUT.LOST, outcome_date=TODAY())
    assert exc.value.errors == {"lesson": [LESSON_NEEDED]}
    objection.refresh_from_db()
    assert objection.outcome == OUT.PENDING
    objection_update(
        objection=objection,
        by=objection.owner,
        outcome=OUT.LOST,
        outcome_date=TODAY(),
        lesson="报价前先问清预算",
    )
    objection.refresh_from_db()
    assert objection.outcome == OUT.LOST and objection.lesson == "报价前先问清预算"


def test_won_needs_no_lesson(make_user):
    objection, created = _objection(make_user(Role.SALES), outcome=OUT.WON, outcome_date=TODAY())
    assert created and objection.lesson == ""


def test_the_form_asks_for_the_lesson_beside_the_field_and_shows_it_after(client, make_user):
    me = make_user(Role.SALES)
    client.force_login(me)
    page = client.get(reverse("objections:log")).content.decode()
    assert 'id="lesson-row"' in page and "从拒绝中学到的" in page  # there without JavaScript too
    assert reverse("objections:quiet-log") in page and "客户没有提出任何异议？" in page
    data = {
        "submit_token": str(uuid.uuid4()),
        "customer": str(CustomerFactory().pk),
        "stage": "closing",
        "type": str(objection_type("price").pk),
        "words": "别家便宜两成",
        "genuineness": "true",
        "cause": "unknown",
        "technique": "direct_denial",
        "outcome": "lost",
        "outcome_date": TODAY().isoformat(),
    }
    body = client.post(reverse("objections:log"), data).content.decode()
    assert LESSON_NEEDED in body and not Objection.objects.exists()
    data["lesson"] = "直接否定让客户下不来台，应改用“是的……但是”"
    response = client.post(reverse("objections:log"), data, follow=True)
    objection = Objection.objects.get()
    assert objection.lesson == data["lesson"]
    assert 'id="objection-lesson"' in response.content.decode()
    assert "直接否定让客户下不来台" in response.content.decode()


def test_api_refuses_a_loss_without_lesson_in_the_one_error_shape(make_user):
    objection = ObjectionFactory()
    client = _api(objection.owner)
    url = f"/api/objections/{objection.pk}/"
    today = TODAY().isoformat()
    response = client.patch(
        url, {"outcome": "lost", "outcome_date": today}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail", "errors"}
    assert response.json()["errors"] == {"lesson": [LESSON_NEEDED]}
    response = client.patch(
        url, {"outcome": "lost", "outcome_date": today, "lesson": "太晚报价"}, format="json"
    )
    assert response.status_code == 200 and response.data["lesson"] == "太晚报价"


def test_playbook_shows_the_latest_lessons_of_each_type_with_who_and_when(client, make_user, settings):
    settings.PLAYBOOK_MIN_CASES = 1
    closed(OUT.WON, technique="evidence", response="给客户看了试用报告")
    old = closed(OUT.LOST, technique="yes_but", lesson="最早的教训")[0]
    Objection.objects.filter(pk=old.pk).update(outcome_date=datetime.date(2026, 1, 1))
    for i in range(3):
        closed(OUT.LOST, technique="ignore", lesson=f"价格教训{i}")
    closed(OUT.LOST, technique="ignore", type_code="timing", lesson="开钻计划要早问")
    closed(OUT.LOST, technique="ignore", type_code="timing")  # old loss without a lesson
    sections = {s.type.code: s for s in playbook()}
    assert [lesson.text for lesson in sections["price"].lessons] == ["价格教训2", "价格教训1", "价格教训0"]
    assert [lesson.text for lesson in sections["timing"].lessons] == ["开钻计划要早问"]
    lesson = sections["timing"].lessons[0]
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("objections:playbook")).content.decode()
    assert "丢单教训" in body and "开钻计划要早问" in body and "给客户看了试用报告" in body
    assert lesson.owner_name in body and lesson.date.strftime("%Y-%m-%d") in body
    assert "最早的教训" not in body  # only the latest three per type
    data = _api(make_user(Role.SALES)).get("/api/objections/playbook/", {"type": "timing"}).data
    assert data["sections"][0]["lessons"][0]["text"] == "开钻计划要早问"


def test_playbook_lessons_cost_one_query_whatever_the_number_of_types(client, make_user, settings):
    settings.PLAYBOOK_MIN_CASES = 1
    client.force_login(make_user(Role.SALES))
    closed(OUT.LOST, technique="ignore", lesson="一")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("objections:playbook"))
    for code in ("timing", "service", "need"):
        closed(OUT.LOST, technique="ignore", type_code=code, lesson=code, n=2)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("objections:playbook"))
    assert len(many) == len(few)


# --- customers who raise no objection -----------------------------------------------------


def _quiet(by, **overrides):
    data = {"by": by, "customer": CustomerFactory(), "stage": Objection.Stage.PRESENTATION}
    return _zh(quiet_contact_log, **(data | overrides))


def test_a_quiet_customer_is_marked_once_per_token(make_user):
    me, token = make_user(Role.SALES), uuid.uuid4()
    first, created = _quiet(me, submit_token=token, note="一直点头")
    again, created_again = _quiet(me, submit_token=token, note="一直点头")
    assert (created, created_again) == (True, False) and first == again
    assert QuietContact.objects.count() == 1 and first.owner == me and first.history.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"customer": None}, "customer", "请选择客户，或填写潜在客户名称。"),
        ({"stage": ""}, "stage", "请选择销售环节。"),
        ({"outcome": "won"}, "outcome_date", "已有结果时必须填写结果日期。"),
        ({"outcome": "resolved", "outcome_date": datetime.date(2026, 1, 1)}, "outcome", "请选择结果。"),
        (
            {"outcome": "lost", "outcome_date": datetime.date(2099, 1, 1)},
            "outcome_date",
            "结果日期不能晚于今天。",
        ),
    ],
)
def test_a_quiet_customer_with_bad_input_is_refused_in_chinese(make_user, overrides, field, message):
    with pytest.raises(AppError) as exc:
        _quiet(make_user(Role.SALES), **overrides)
    assert exc.value.errors[field] == [message]
    assert not QuietContact.objects.exists()


def test_only_sales_roles_mark_quiet_customers(make_user):
    with pytest.raises(Forbidden):
        _quiet(make_user(Role.QC))
    assert not QuietContact.objects.exists()


def test_the_owner_and_the_manager_record_the_outcome_a_colleague_may_not(make_user):
    contact = QuietContactFactory()
    with pytest.raises(Forbidden):
        quiet_contact_update(contact=contact, by=make_user(Role.SALES), outcome="won", outcome_date=TODAY())
    quiet_contact_update(contact=contact, by=contact.owner, outcome="lost", outcome_date=TODAY())
    quiet_contact_update(
        contact=contact, by=make_user(Role.SALES_MANAGER), outcome="won", outcome_date=TODAY()
    )
    contact.refresh_from_db()
    assert contact.outcome == "won" and contact.history.count() == 3


def test_a_quiet_prospect_follows_it_to_the_customer(make_user):
    me = make_user(Role.SALES)
    contact, _ = _quiet(me, customer=None, prospect_name="长庆钻井三队", prospect_phone="13900000000")
    customer = CustomerFactory()
    prospect_link_customer(
        prospect=Prospect.objects.get(), customer=customer, by=make_user(Role.SALES_MANAGER)
    )
    contact.refresh_from_db()
    assert contact.customer == customer


def test_quick_form_and_list_where_the_outcome_is_recorded(client, make_user):
    me = make_user(Role.SALES)
    customer = CustomerFactory(name="吐哈油田")
    QuietContactFactory(note="别人的客户")
    client.force_login(me)
    url = reverse("objections:quiet-log")
    form = client.get(url, {"customer": customer.pk}).content.decode()
    assert "没有异议的客户" in form and f'value="{customer.pk}" selected' in form
    data = {
        "submit_token": str(uuid.uuid4()),
        "customer": str(customer.pk),
        "stage": "",
        "note": "只说回去研究",
    }
    body = client.post(url, data).content.decode()
    assert "请选择销售环节。" in body and not QuietContact.objects.filter(owner=me).exists()
    data["stage"] = "presentation"
    response = client.post(url, data, follow=True)
    client.post(url, data)  # a double submit
    contact = QuietContact.objects.get(owner=me)
    listing = response.content.decode()
    assert "已记录：吐哈油田 没有提出任何异议。" in listing
    assert "只说回去研究" in listing and "别人的客户" not in listing
    edit = reverse("objections:quiet-edit", args=[contact.pk])
    body = client.post(edit, {"outcome": "won"}).content.decode()  # the list's one-line form
    assert "已有结果时必须填写结果日期。" in body
    response = client.post(edit, {"outcome": "won", "outcome_date": TODAY().isoformat()})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.outcome == "won" and contact.stage == "presentation" and contact.note == "只说回去研究"


def test_manager_lists_everyones_quiet_customers_a_colleague_finds_none(client, make_user):
    contact = QuietContactFactory(note="王工的客户")
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:quiet")).content.decode()
    assert "王工的客户" in body and contact.owner.display_name in body
    client.force_login(make_user(Role.SALES))
    assert "王工的客户" not in client.get(reverse("objections:quiet")).content.decode()
    assert client.get(reverse("objections:quiet-edit", args=[contact.pk])).status_code == 404
    client.force_login(make_user(Role.FINANCE))
    assert client.get(reverse("objections:quiet")).status_code == 403


def test_quiet_list_query_count_does_not_grow_with_rows(client, make_user):
    manager = make_user(Role.SALES_MANAGER)
    QuietContactFactory()
    client.force_login(manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("objections:quiet"))
    for _ in range(5):
        QuietContactFactory()
    QuietContactFactory(customer=None, prospect=Prospect.objects.create(name="新客户", created_by=manager))
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("objections:quiet")).content.decode()
    assert body.count("quiet-outcome-form") == 7
    assert len(many) == len(few)


def test_api_marks_lists_and_updates_quiet_customers(make_user):
    me = make_user(Role.SALES)
    client, token = _api(me), str(uuid.uuid4())
    payload = {
        "customer": CustomerFactory().pk,
        "stage": "contact",
        "note": "没有问题",
        "submit_token": token,
    }
    first = client.post("/api/objections/quiet/", payload, format="json")
    second = client.post("/api/objections/quiet/", payload, format="json")
    assert (first.status_code, second.status_code) == (201, 200) and first.data["id"] == second.data["id"]
    QuietContactFactory()  # someone else's
    listed = client.get("/api/objections/quiet/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [first.data["id"]]
    url = f"/api/objections/quiet/{first.data['id']}/"
    bad = client.patch(url, {"outcome": "lost"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and set(bad.json()) == {"code", "detail", "errors"}
    assert bad.json()["errors"] == {"outcome_date": ["已有结果时必须填写结果日期。"]}
    ok = client.patch(url, {"outcome": "lost", "outcome_date": TODAY().isoformat()}, format="json")
    assert ok.status_code == 200 and ok.data["outcome"] == "lost" and ok.data["note"] == "没有问题"
    other = QuietContact.objects.exclude(owner=me).get()
    assert client.patch(f"/api/objections/quiet/{other.pk}/", {"note": "x"}, format="json").status_code == 404
    manager = _api(make_user(Role.SALES_MANAGER))
    assert (
        manager.patch(f"/api/objections/quiet/{other.pk}/", {"note": "跟进"}, format="json").status_code
        == 200
    )
    refused = _api(make_user(Role.FINANCE)).post("/api/objections/quiet/", payload, format="json")
    assert refused.status_code == 403 and set(refused.json()) >= {"code", "detail"}


# --- trends -------------------------------------------------------------------------------


def _at(day: datetime.date, factory, **kw):
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False):
        return factory(**kw)


def _trend_data(owner=None):
    """By hand: October 2 objections + 1 quiet, November 1 objection + 3 quiet.
    Objections: won, lost, resolved → win rate 1/3. Quiet: won, lost, lost, pending → 1/3."""
    kw = {"owner": owner} if owner else {}
    _at(
        datetime.date(2026, 10, 5),
        ObjectionFactory,
        outcome=OUT.WON,
        outcome_date=datetime.date(2026, 10, 9),
        **kw,
    )
    _at(
        datetime.date(2026, 10, 6),
        ObjectionFactory,
        outcome=OUT.LOST,
        outcome_date=datetime.date(2026, 10, 9),
        **kw,
    )
    _at(
        datetime.date(2026, 11, 2),
        ObjectionFactory,
        outcome=OUT.RESOLVED,
        outcome_date=datetime.date(2026, 11, 3),
    )
    _at(
        datetime.date(2026, 10, 20),
        QuietContactFactory,
        outcome="won",
        outcome_date=datetime.date(2026, 11, 1),
        **kw,
    )
    _at(
        datetime.date(2026, 11, 3),
        QuietContactFactory,
        outcome="lost",
        outcome_date=datetime.date(2026, 11, 9),
    )
    _at(
        datetime.date(2026, 11, 4),
        QuietContactFactory,
        outcome="lost",
        outcome_date=datetime.date(2026, 11, 9),
    )
    _at(datetime.date(2026, 11, 5), QuietContactFactory, stage=Objection.Stage.CLOSING)


def test_trends_count_quiet_customers_and_how_their_sales_end(make_user):
    _trend_data()
    manager = make_user(Role.SALES_MANAGER)
    data = trends(objections=objections_visible_to(manager), quiet=quiet_contacts_visible_to(manager))[
        "quiet"
    ]
    assert data["total"] == {
        "count": 4,
        "won": 1,
        "lost": 2,
        "pending": 1,
        "closed": 3,
        "win_rate": round(1 / 3, 4),
        "share": round(4 / 7, 4),
    }
    assert data["with_objection"] == {
        "count": 3,
        "won": 1,
        "lost": 1,
        "pending": 0,
        "resolved": 1,
        "closed": 3,
        "win_rate": round(1 / 3, 4),
    }
    assert data["by_month"] == [
        {"month": "2026-10", "quiet": 1, "objections": 2, "share": round(1 / 3, 4)},
        {"month": "2026-11", "quiet": 3, "objections": 1, "share": 0.75},
    ]


def test_trends_page_shows_the_quiet_figures_in_a_table_and_a_chart(client, make_user):
    _trend_data()
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:trends")).content.decode()
    assert (
        'id="kpi-quiet">4<' in body
        and 'id="kpi-quiet-share">57%<' in body
        and 'id="kpi-quiet-win">33%<' in body
    )
    assert 'id="chart-quiet"' in body and "没有提出异议" in body
    row = '<tr data-month="2026-11"><td>2026-11</td><td class="text-end">1</td>'
    row += '<td class="text-end quiet">3</td>'
    assert row in body
    assert '<td class="text-end share">75%</td>' in body


def test_trends_filters_apply_to_quiet_customers(client, make_user):
    me = make_user(Role.SALES)
    _trend_data(owner=me)
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:trends"), {"owner": me.pk}).content.decode()
    assert 'id="kpi-count">2<' in body and 'id="kpi-quiet">1<' in body and 'id="kpi-quiet-share">33%<' in body
    body = client.get(reverse("objections:trends"), {"stage": "closing"}).content.decode()
    assert 'id="kpi-quiet">1<' in body


def test_trends_api_has_the_quiet_figures(make_user):
    _trend_data()
    data = _api(make_user(Role.SALES_MANAGER)).get("/api/objections/trends/").data
    assert data["quiet"]["total"]["count"] == 4 and data["quiet"]["with_objection"]["won"] == 1
    assert data["quiet"]["by_month"][1] == {"month": "2026-11", "quiet": 3, "objections": 1, "share": 0.75}


def test_trends_page_query_count_does_not_grow_with_rows(client, make_user):
    client.force_login(make_user(Role.SALES_MANAGER))
    _trend_data()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("objections:trends"))
    _trend_data()
    _at(datetime.date(2026, 8, 1), QuietContactFactory)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("objections:trends"))
    assert len(many) == len(few)
