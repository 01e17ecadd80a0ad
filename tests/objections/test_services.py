import datetime
import uuid

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from apperrors.exceptions import AppError, Forbidden
from objections.models import Objection, Prospect
from objections.services import FindOut, objection_log, objection_update, prospect_link_customer
from promises.models import Commitment
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, objection_type

pytestmark = pytest.mark.django_db


def _log(by, **overrides):
    data = {
        "by": by,
        "customer": CustomerFactory(),
        "stage": Objection.Stage.NEGOTIATION,
        "words": "价格太高了，别家便宜两成",
        "type": objection_type("price"),
        "genuineness": Objection.Genuineness.HIDDEN,
        "hidden_belief": "其实是担心交货期，怕耽误开钻",
        "cause": Objection.Cause.UNCERTAINTY,
        "technique": Objection.Technique.QUESTIONING,
        "response": "问清了开钻时间",
    }
    data.update(overrides)
    with translation.override("zh-hans"):
        return objection_log(**data)


def test_salesperson_logs_a_hidden_objection_with_a_promise(make_user):
    me = make_user(Role.SALES)
    due = timezone.now() + datetime.timedelta(days=1)
    objection, created = _log(me, find_out=FindOut(what="查明 N80 套管交货期", due_at=due))
    assert created and objection.owner == me
    promise = Commitment.objects.get()
    assert promise.owner == me and promise.source == objection and promise.customer == objection.customer
    assert promise.due_at == due and promise.status == Commitment.Status.OPEN
    assert objection.history.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hidden_belief": "  "}, "hidden_belief", "隐藏的异议必须填写您判断的背后真实原因。"),
        ({"outcome": Objection.Outcome.WON}, "outcome_date", "已有结果时必须填写结果日期。"),
        (
            {
                "outcome": Objection.Outcome.LOST,
                "outcome_date": timezone.localdate() + datetime.timedelta(days=3),
            },
            "outcome_date",
            "结果日期不能晚于今天。",
        ),
        ({"type": None}, "type", "请从列表中选择异议类型。"),
        ({"words": ""}, "words", "请记录客户的原话。"),
        ({"customer": None}, "customer", "请选择客户，或填写潜在客户名称。"),
        (
            {"find_out": FindOut(what="查交货期", due_at=timezone.now() - datetime.timedelta(hours=1))},
            "find_out_due_at",
            "承诺的答复时间必须晚于现在（北京时间 ",  # … the time compared with, tests/core/test_timezones.py
        ),
        (
            {"find_out": FindOut(what=" ", due_at=timezone.now() + datetime.timedelta(hours=1))},
            "find_out_what",
            "请写明要为客户查明的事项。",
        ),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(make_user, overrides, field, message):
    with pytest.raises(AppError) as exc:
        _log(make_user(Role.SALES), **overrides)
    assert [e[: len(message)] for e in exc.value.errors[field]] == [message]
    assert (
        not Objection.objects.exists() and not Commitment.objects.exists() and not Prospect.objects.exists()
    )


def test_an_inactive_type_cannot_be_chosen(make_user):
    price = objection_type("price")
    price.active = False
    price.save()
    with pytest.raises(AppError) as exc:
        _log(make_user(Role.SALES))
    assert "type" in exc.value.errors


def test_the_same_submit_token_saves_once(make_user):
    me, token = make_user(Role.SALES), uuid.uuid4()
    due = timezone.now() + datetime.timedelta(days=1)
    first, created = _log(me, submit_token=token, find_out=FindOut(what="查报价", due_at=due))
    again, created_again = _log(me, submit_token=token, find_out=FindOut(what="查报价", due_at=due))
    assert created and not created_again and again == first
    assert Objection.objects.count() == 1 and Commitment.objects.count() == 1


def test_only_sales_roles_may_log(make_user):
    with pytest.raises(Forbidden):
        _log(make_user(Role.QC))


def test_a_prospect_is_logged_and_later_linked_to_the_customer(make_user):
    me = make_user(Role.SALES)
    due = timezone.now() + datetime.timedelta(days=1)
    objection, _ = _log(
        me,
        customer=None,
        prospect_name="华北石油物资公司",
        prospect_phone="13800000000",
        find_out=FindOut(what="寄样品", due_at=due),
    )
    assert objection.customer is None and objection.prospect.name == "华北石油物资公司"
    customer = CustomerFactory()
    prospect_link_customer(prospect=objection.prospect, customer=customer, by=me)
    objection.refresh_from_db()
    assert objection.customer == customer
    assert Commitment.objects.get().customer == customer


def test_another_salesperson_cannot_link_my_prospect(make_user):
    objection, _ = _log(make_user(Role.SALES), customer=None, prospect_name="某潜在客户")
    with pytest.raises(Forbidden):
        prospect_link_customer(
            prospect=objection.prospect, customer=CustomerFactory(), by=make_user(Role.SALES)
        )


def test_owner_records_the_outcome(make_user):
    objection = ObjectionFactory()
    objection_update(
        objection=objection,
        by=objection.owner,
        outcome=Objection.Outcome.WON,
        outcome_date=timezone.localdate(),
    )
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.WON
    assert objection.history.count() == 2


def test_the_sales_manager_cannot_edit_someone_elses_objection(make_user):
    objection = ObjectionFactory()
    with pytest.raises(Forbidden):
        objection_update(objection=objection, by=make_user(Role.SALES_MANAGER), response="改一下")


def test_pending_clears_the_outcome_date(make_user):
    objection = ObjectionFactory(outcome=Objection.Outcome.LOST)
    objection_update(objection=objection, by=objection.owner, outcome=Objection.Outcome.PENDING)
    objection.refresh_from_db()
    assert objection.outcome_date is None


def test_the_same_prospect_again_is_not_a_second_prospect(make_user):
    me = make_user(Role.SALES)
    first, _ = _log(me, customer=None, prospect_name="华北石油物资公司", prospect_phone="13800000000")
    second, _ = _log(me, customer=None, prospect_name="华北石油物资公司", prospect_phone="")
    assert second.prospect == first.prospect and Prospect.objects.count() == 1


def test_a_prospect_linked_before_brings_its_customer(make_user):
    me = make_user(Role.SALES)
    first, _ = _log(me, customer=None, prospect_name="华北石油物资公司")
    customer = CustomerFactory()
    prospect_link_customer(prospect=first.prospect, customer=customer, by=me)
    later, _ = _log(make_user(Role.SALES), customer=None, prospect_name="华北石油物资公司")
    assert later.customer == customer and later.prospect == first.prospect
