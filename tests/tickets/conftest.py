"""Fixtures for the tickets tests: one user per role, a customer with a shipment, and a
helper that walks a ticket through the workflow by the people whose job each step is."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.factories import ShipmentFactory
from tickets import services
from tickets.models import State


@pytest.fixture
def people(make_user):
    class People:
        sales = make_user(Role.SALES, username="sales")
        sales_manager = make_user(Role.SALES_MANAGER, username="salesmgr")
        pm = make_user(Role.PROJECT_MANAGER, username="pm")
        prod = make_user(Role.PRODUCTION_MANAGER, username="prod")
        lead = make_user(Role.SERVICE_LEAD, username="lead")
        qc = make_user(Role.QC, username="qc")
        purchasing = make_user(Role.PURCHASING, username="buyer")
        technical = make_user(Role.TECHNICAL, username="tech")
        finance = make_user(Role.FINANCE, username="finance")
        gm = make_user(Role.GENERAL_MANAGER, username="gm")

    return People


@pytest.fixture
def shipment(db):
    return ShipmentFactory(order_number="SO-2026-0099", ship_date=datetime.date(2026, 10, 8))


def intake_data(shipment, **overrides) -> dict:
    data = {
        "customer": shipment.customer,
        "channel": "phone",
        "caller_name": "王工",
        "caller_phone": "13800000000",
        "customer_words": "你们的套管螺纹又漏了,井队停工了!",
        "description": "下井第三根套管接箍处渗漏",
        "shipment": shipment,
        "quantity": Decimal("3"),
        "site": "长庆油田 井场 12 号",
        "remedy": "exchange",
        "paraphrase": "您是说三根套管接箍渗漏,要求换货,对吗?",
        "customer_confirmed": True,
        "emotion": "angry",
        "options_offered": "上门检修;换货",
        "option_chosen": "换货",
        "onsite_needed": True,
        "severity": "high",
        "safety": False,
    }
    data.update(overrides)
    return data


@pytest.fixture
def new_ticket(people, shipment):
    def make(**overrides):
        return services.ticket_create(by=people.sales, **intake_data(shipment, **overrides))

    return make


def step_data(name: str, people, ticket=None) -> dict:
    today = timezone.localdate()
    return {
        "plan": {
            "start_date": today,
            "end_date": today + datetime.timedelta(days=3),
            "scope": "现场检查并更换接箍",
            "mode": "onsite",
            "travellers": "李师傅",
        },
        "reject": {"reason": "非我司产品"},
        "reopen": {"reason": "CAPA 验证未通过"},
        "assign": {
            "lead": people.lead.pk,
            "preliminary_analysis": "螺纹加工超差",
            "tools_materials": "管钳、密封脂",
            "purchase_items": "接箍 x 3",
        },
        "escalate": {"reason": "找不到根本原因"},
        "conclude_review": {
            "participants": "质检、技术部",
            "root_cause": "热处理不足",
            "solution": "更换批次",
        },
        "start_service": {"text": "已出发前往井场"},
        "progress": {"text": "已更换两根"},
        "submit_disposition": {
            "work_done": "更换三根接箍",
            "root_cause": "热处理不足",
            "corrective_action": "更换",
            "preventive_action": "加严检验",
            "parts_used": "接箍 3 个",
            "parts_cost": "450.00",
            "satisfaction": "satisfied",
            "customer_signatory": "王工",
        },
        "customer_unsatisfied": {
            "work_done": "更换两根接箍",
            "root_cause": "热处理不足",
            "corrective_action": "更换",
            "preventive_action": "加严检验",
            "parts_cost": "300.00",
            "satisfaction": "unsatisfied",
            "customer_signatory": "王工",
            "customer_feedback": "第三根还在漏",
        },
        "override_satisfaction": {"reason": "客户要求的额外赔偿不在合同范围内"},
        "lead_dispute": {"reason": "纠正措施没有覆盖同批次其他井"},
        "sign_off": {"capacity": "project_manager", "comment": ""},
        "dispute": {"capacity": "project_manager", "comment": "预防措施不足"},
        "archive": {"archive_ref": "QA-2026-01", "note": ""},
        "follow_up": {"note": "客户满意", "satisfaction": "satisfied"},
    }[name]


# Who does each step in the happy path, and the state it leaves the ticket in.
HAPPY_PATH = [
    ("plan", "pm", State.PLANNED),
    ("assign", "prod", State.ASSIGNED),
    ("start_service", "lead", State.IN_SERVICE),
    ("submit_disposition", "lead", State.CONFIRMING),
]


@pytest.fixture
def walk(people):
    """walk(ticket, until_state) → the ticket moved along the happy path to that state."""

    def go(ticket, until: str):
        steps = [*HAPPY_PATH]
        if until in (State.ARCHIVED,):
            steps += [
                ("sign_off", "pm", State.CONFIRMING),
                ("sign_off_prod", "prod", State.CONFIRMING),
                ("archive", "qc", State.ARCHIVED),
            ]
        for name, who, _state in steps:
            if ticket.state == until:
                break
            data = step_data(name.removesuffix("_prod"), people)
            if name == "sign_off_prod":
                data = {"capacity": "production_manager"}
            ticket = services.ticket_transition(
                ticket=ticket, to=name.removesuffix("_prod"), by=getattr(people, who), data=data
            )
        assert ticket.state == until
        return ticket

    return go
