"""Tickets built the way the app builds them: logged through `services.ticket_create` and moved
by `services.ticket_transition`, each step by the person whose job it is, so the step records
(plan, assignment, disposition, QC review, sign-offs…), the timeline and the notifications are
the ones a real ticket in that state has. Nothing here writes a ticket row directly.

    TicketFactory()                                   # received, logged by a sales person
    TicketFactory(state=State.ARCHIVED, people=people) # walked the happy path by `people`
    act(ticket, "escalate", people)                   # one step, its usual data, its usual person
    sign(ticket, "pm", people)                        # a sign-off in the person's capacity
    TicketFactory(photos=[image()])                   # photos taken at intake
"""

import datetime
import io
import uuid
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from accounts.roles import Role
from tests.factories import ShipmentFactory, UserFactory
from tickets import services
from tickets.models import State, Ticket

# The people of the workflow, by the attribute a crew carries them under.
ROLES = {
    "sales": Role.SALES,
    "sales_manager": Role.SALES_MANAGER,
    "pm": Role.PROJECT_MANAGER,
    "prod": Role.PRODUCTION_MANAGER,
    "lead": Role.SERVICE_LEAD,
    "qc": Role.QC,
    "purchasing": Role.PURCHASING,
    "technical": Role.TECHNICAL,
    "finance": Role.FINANCE,
    "gm": Role.GENERAL_MANAGER,
}


class Crew:
    """One person per workflow role (attributes as in ROLES). The people given are kept; one
    not given is made when a step first needs them, so a test's other users see no strangers
    (everyone holding a role is notified of that role's steps)."""

    def __init__(self, **people):
        self.__dict__.update(people)

    def __getattr__(self, name):
        if name not in ROLES:
            raise AttributeError(name)
        user = UserFactory(roles=[ROLES[name]])
        setattr(self, name, user)
        return user


def intake_data(shipment, **overrides) -> dict:
    """What sales records on the phone (the intake form's fields), about this shipment."""
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


def api_intake(shipment) -> dict:
    """A short complaint as an API client posts it (ids, strings), with a fresh intake token."""
    return {
        "customer": shipment.customer.pk,
        "shipment": shipment.pk,
        "customer_words": "漏了",
        "description": "接箍渗漏",
        "quantity": "2",
        "site": "井场",
        "remedy": "repair",
        "paraphrase": "两根接箍渗漏,要求维修",
        "customer_confirmed": True,
        "emotion": "worried",
        "severity": "medium",
        "intake_token": str(uuid.uuid4()),
    }


def step_data(name: str, people, ticket=None) -> dict:
    """The form data of a workflow action, as the person doing it would fill it in."""
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


# Whose job each action is (sign_off and dispute: the project manager's, in that capacity).
ACTOR = {
    "plan": "pm",
    "reject": "sales_manager",
    "assign": "prod",
    "escalate": "lead",
    "conclude_review": "qc",
    "start_service": "lead",
    "progress": "lead",
    "submit_disposition": "lead",
    "customer_unsatisfied": "lead",
    "override_satisfaction": "prod",
    "lead_dispute": "lead",
    "sign_off": "pm",
    "dispute": "pm",
    "archive": "qc",
    "follow_up": "sales",
    "reopen": "qc",
}
CAPACITY = {"pm": "project_manager", "prod": "production_manager"}


def act(ticket: Ticket, name: str, people, who=None, **data) -> Ticket:
    """One workflow action through the service: by `who` (a crew attribute or a user; the
    person whose job it is when not given), with the action's usual data updated by `data`."""
    by = who if isinstance(who, User) else getattr(people, who or ACTOR[name])
    return services.ticket_transition(ticket=ticket, to=name, by=by, data={**step_data(name, people), **data})


def sign(ticket: Ticket, who: str, people) -> Ticket:
    """`who` ("pm" or "prod") signs the disposition off in their capacity."""
    return act(ticket, "sign_off", people, who, capacity=CAPACITY[who])


# The happy path, and the state each step leaves the ticket in.
HAPPY_PATH = [
    ("plan", "pm", State.PLANNED),
    ("assign", "prod", State.ASSIGNED),
    ("start_service", "lead", State.IN_SERVICE),
    ("submit_disposition", "lead", State.CONFIRMING),
    ("sign_off", "pm", State.CONFIRMING),
    ("sign_off", "prod", State.CONFIRMING),
    ("archive", "qc", State.ARCHIVED),
]


def walk(ticket: Ticket, until: str, people, *, disposition: dict | None = None) -> Ticket:
    """The ticket moved along the happy path, from planning on, until it is in state `until`;
    `disposition` changes the disposition form's usual data (e.g. the corrective action)."""
    for name, who, _state in HAPPY_PATH:
        if ticket.state == until:
            break
        if name == "sign_off":
            ticket = sign(ticket, who, people)
        else:
            extra = (disposition or {}) if name == "submit_disposition" else {}
            ticket = act(ticket, name, people, who, **extra)
    assert ticket.state == until, f"the happy path does not lead to {until} (stopped at {ticket.state})"
    return ticket


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket logged by `by` (or the crew's sales person) about `shipment`, any other keyword
    overriding the intake form (`photos=[image()]` included), then walked to `state` by
    `people` (a Crew; one is made, from `by`, when not given), `disposition` changing the
    disposition form's usual data."""

    class Meta:
        model = Ticket

    shipment = factory.SubFactory(ShipmentFactory)
    by = None
    people = None
    state = State.RECEIVED
    disposition = None

    @classmethod
    def _create(
        cls, model_class, *, shipment, by=None, people=None, state=State.RECEIVED, disposition=None, **fields
    ):
        people = people or Crew(**({"sales": by} if by else {}))
        ticket = services.ticket_create(by=by or people.sales, **intake_data(shipment, **fields))
        return walk(ticket, state, people, disposition=disposition) if state != State.RECEIVED else ticket


def picture(fmt: str = "JPEG", size=(64, 48), colour: str = "blue") -> bytes:
    """A small real picture's bytes (the photo checks read the content, not the name)."""
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt)
    return buf.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    return picture("PNG", size, "red")


def image(name: str = "defect.jpg", fmt: str = "JPEG", size=(64, 48), colour="blue") -> SimpleUploadedFile:
    """A photo as a phone uploads it (intake `photos=`, `services.photo_add`, the forms)."""
    return SimpleUploadedFile(name, picture(fmt, size, colour), content_type=Image.MIME[fmt])
