import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from objections.models import Objection
from promises.models import Commitment
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, objection_type
from ui import timeline

pytestmark = pytest.mark.django_db


def _post(**overrides):
    due = timezone.localtime() + datetime.timedelta(days=1)
    data = {
        "submit_token": str(uuid.uuid4()),
        "customer": str(CustomerFactory().pk),
        "stage": "negotiation",
        "type": str(objection_type("price").pk),
        "words": "太贵了",
        "genuineness": "hidden",
        "hidden_belief": "预算审批没下来",
        "cause": "uncertainty",
        "technique": "questioning",
        "response": "问了预算时间",
        "outcome": "pending",
        "find_out": "on",
        "find_out_what": "查明分期付款政策",
        "find_out_due_at": due.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def test_quick_log_page_is_chinese_and_keyboard_friendly(client, make_user):
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("objections:log")).content.decode()
    assert "记录客户异议" in body and "结单" in body and "价格异议" in body and "隐藏的异议" in body
    assert "data-once" in body and 'name="submit_token"' in body and "Ctrl+Enter" in body


def test_logging_with_a_promise_shows_it_in_my_promises(client, make_user):
    me = make_user(Role.SALES)
    client.force_login(me)
    response = client.post(reverse("objections:log"), _post())
    objection = Objection.objects.get()
    assert response.status_code == 302 and response.url == objection.get_absolute_url()
    promises = client.get(reverse("commitments")).content.decode()
    assert "查明分期付款政策" in promises and objection.customer.name in promises


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hidden_belief": ""}, "隐藏的异议必须填写您判断的背后真实原因。"),
        ({"outcome": "lost", "outcome_date": ""}, "已有结果时必须填写结果日期。"),
        ({"find_out_due_at": "2020-01-01T10:00"}, "承诺的答复时间必须晚于现在（北京时间 "),
        ({"type": "999999"}, "请从列表中选择异议类型。"),
        ({"customer": "", "prospect_name": ""}, "请选择客户，或填写潜在客户名称。"),
    ],
)
def test_bad_input_shows_chinese_errors_beside_the_fields_and_saves_nothing(
    client, make_user, overrides, message
):
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("objections:log"), _post(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and 'class="field-error"' in body and "尚未保存任何内容" in body
    assert not Objection.objects.exists() and not Commitment.objects.exists()


def test_a_double_submit_saves_once(client, make_user):
    client.force_login(make_user(Role.SALES))
    data = _post()
    client.post(reverse("objections:log"), data)
    response = client.post(reverse("objections:log"), data, follow=True)
    assert "该异议已保存过，没有重复保存。" in response.content.decode()
    assert Objection.objects.count() == 1 and Commitment.objects.count() == 1


def test_my_objections_lists_only_mine_with_filters(client, make_user):
    me = make_user(Role.SALES)
    ObjectionFactory(owner=me, words="我的价格异议")
    ObjectionFactory(owner=me, words="我的服务异议", type=objection_type("service"))
    ObjectionFactory(words="别人的异议")
    client.force_login(me)
    body = client.get(reverse("objections:mine")).content.decode()
    assert "我的价格异议" in body and "我的服务异议" in body and "别人的异议" not in body
    filtered = client.get(reverse("objections:mine"), {"type": "service"}).content.decode()
    assert "我的服务异议" in filtered and "我的价格异议" not in filtered


def test_manager_sees_everyones_objections_with_the_salesperson(client, make_user):
    objection = ObjectionFactory(words="别人的异议")
    client.force_login(make_user(Role.SALES_MANAGER))
    body = client.get(reverse("objections:mine"), {"scope": "all"}).content.decode()
    assert "别人的异议" in body and objection.owner.display_name in body


def test_another_salespersons_objection_is_not_found(client, make_user):
    objection = ObjectionFactory()
    client.force_login(make_user(Role.SALES))
    assert client.get(reverse("objections:detail", args=[objection.pk])).status_code == 404
    assert client.get(reverse("objections:edit", args=[objection.pk])).status_code == 404
    assert client.post(reverse("objections:edit", args=[objection.pk]), _post()).status_code == 404


def test_manager_reads_but_does_not_edit_others_objections(client, make_user):
    objection = ObjectionFactory()
    client.force_login(make_user(Role.SALES_MANAGER))
    detail = client.get(reverse("objections:detail", args=[objection.pk]))
    assert detail.status_code == 200 and "修改 / 记录结果" not in detail.content.decode()
    assert client.get(reverse("objections:edit", args=[objection.pk])).status_code == 403


def test_owner_records_the_outcome_on_the_edit_page(client, make_user):
    objection = ObjectionFactory()
    client.force_login(objection.owner)
    data = _post(outcome="won", outcome_date=timezone.localdate().isoformat(), find_out="")
    data["customer"] = str(objection.customer_id)
    response = client.post(reverse("objections:edit", args=[objection.pk]), data)
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.outcome == "won" and objection.hidden_belief == "预算审批没下来"
    detail = client.get(objection.get_absolute_url()).content.decode()
    assert "结果、结果日期" in detail  # the change history names what changed


@pytest.mark.parametrize("role", [Role.QC, Role.FINANCE, Role.SERVICE_LEAD])
def test_other_roles_cannot_open_objection_pages(client, make_user, role):
    objection = ObjectionFactory()
    client.force_login(make_user(role))
    for name, args in [
        ("log", []),
        ("mine", []),
        ("playbook", []),
        ("trends", []),
        ("detail", [objection.pk]),
    ]:
        assert client.get(reverse(f"objections:{name}", args=args)).status_code in (403, 404), name


def test_other_roles_read_a_customers_objections_on_its_history(client, make_user):
    objection = ObjectionFactory(words="交货期太长")
    client.force_login(make_user(Role.QC))
    body = client.get(reverse("objections:customer-history", args=[objection.customer_id])).content.decode()
    assert "交货期太长" in body and "价格异议" in body
    assert objection.get_absolute_url() not in body  # read-only: no link to a page they may not open


def test_customer_history_merges_objections_and_tickets(client, make_user):
    objection = ObjectionFactory(words="价格太高")
    customer = objection.customer

    def tickets(c, user):
        when = timezone.now() + datetime.timedelta(minutes=5)
        return [timeline.TimelineEntry(when, "ticket", "客诉 T-001 套管漏失")] if c == customer else []

    timeline.register_customer_timeline(tickets)
    try:
        client.force_login(objection.owner)
        body = client.get(reverse("objections:customer-history", args=[customer.pk])).content.decode()
    finally:
        timeline._PROVIDERS.remove(tickets)
    assert body.index("客诉 T-001 套管漏失") < body.index("价格太高")
    assert objection.get_absolute_url() in body


def test_customer_names_link_to_their_history(client, make_user):
    objection = ObjectionFactory()
    client.force_login(objection.owner)
    body = client.get(reverse("objections:mine")).content.decode()
    assert reverse("objections:customer-history", args=[objection.customer_id]) in body


def test_prospect_is_linked_to_a_customer_from_the_detail_page(client, make_user):
    me = make_user(Role.SALES)
    client.force_login(me)
    client.post(reverse("objections:log"), _post(customer="", prospect_name="新疆某油服公司", find_out=""))
    objection = Objection.objects.get()
    customer = CustomerFactory()
    client.post(reverse("objections:prospect-link", args=[objection.prospect_id]), {"customer": customer.pk})
    objection.refresh_from_db()
    assert objection.customer == customer
