"""Issue 15's walk count: one complaint walked through the whole flow in Chromium, each step
by the person whose turn it is, counting what they do: page loads (main-frame navigations)
and inputs (fills, clicks, choices, ticks). At a desk (1366×768) and on a phone (390×844),
with a screenshot of every step's first screen in test-output/walk/ for a person to look at.

How a person gets to their step: signed in already (sign-ins are counted apart), they start
on the home page, open "我的待办" from the menu (on a phone: the menu button first) and tap
the ticket; the purchasing step starts from "采购申请". The figures are printed and written
to test-output/walk/walk-count-<size>.txt.

Run: pytest -p no:xdist -m walk tests/browser/test_walk_count.py -s
"""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from tests.factories import PASSWORD, ShipmentFactory
from tickets.models import State, Ticket

pytestmark = [pytest.mark.walk, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
OUT = Path(__file__).resolve().parents[2] / "test-output" / "walk"


@pytest.fixture(autouse=True)
def _only_when_asked(request):
    """Two full walks take minutes: they run when asked for with -m walk, not in every run."""
    if "walk" not in (request.config.getoption("-m") or ""):
        pytest.skip("the walk count runs with -m walk")


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role.value)


class Walk:
    """Does what a person does on `page`, counting page loads and inputs per step."""

    def __init__(self, page, size: str):
        self.page, self.size = page, size
        self.steps: list[dict] = []
        self.sign_ins = {"loads": 0, "inputs": 0}
        self.counter = self.sign_ins
        page.on("framenavigated", lambda frame: frame == page.main_frame and self._count("loads"))

    def _count(self, what: str, n: int = 1) -> None:
        self.counter[what] += n

    # what a person does
    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self._count("inputs")

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self._count("inputs")

    def select(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self._count("inputs")

    def check(self, selector: str) -> None:
        self.page.check(selector)
        self._count("inputs")

    def choose(self, field: str, typed: str) -> None:
        """Type into a select found by typing, and tap the row offered (two inputs)."""
        self.page.locator(f"#id_{field}-ts-control").click()
        self.page.keyboard.type(typed, delay=10)
        self._count("inputs")
        self.page.locator(f"#id_{field}-ts-dropdown .option", has_text=typed).first.click()
        self._count("inputs")

    def menu(self, text: str) -> None:
        """Follow a menu entry (on a phone the menu opens first)."""
        if not self.page.locator("#sidebar").is_visible():
            self.click(".navbar-toggler")
            self.page.wait_for_selector("#sidebar.show")
        self.click(f"#sidebar a:text-is('{text}')")
        self.page.wait_for_load_state()

    # the walk
    def sign_in(self, user) -> None:
        self.counter = self.sign_ins
        self.page.context.clear_cookies()
        self.page.goto(f"{self.page.base_url}/login/")
        self.fill("#id_username", user.username)
        self.fill("#id_password", PASSWORD)
        self.click("button[type=submit]")
        self.page.wait_for_selector("#current-user", state="attached")

    def step(self, name: str, who: str) -> dict:
        step = {"name": name, "who": who, "loads": 0, "inputs": 0}
        self.steps.append(step)
        self.counter = step
        return step

    def open_ticket(self, number: str) -> None:
        self.menu("我的待办")
        self.click(f"main a:text-is('{number}')")
        self.page.wait_for_selector("#ticket-number")
        # How far down "what you can do now" starts, in screens (issue 15: 3.8 on a phone).
        top = self.page.locator("#actions").bounding_box()["y"]
        self.counter["actions_at"] = round(top / SIZES[self.size]["height"], 2)

    def act(self, name: str, fields: dict) -> None:
        details = self.page.locator(f"#action-{name}")
        if not details.evaluate("d => d.open"):
            self.click(f"#action-{name} > summary")
        for field, value in fields.items():
            selector = f"#id_{name}-{field}"
            kind = self.page.eval_on_selector(selector, "el => el.tagName + (el.type || '')")
            if kind.startswith("SELECT"):
                self.select(selector, value)
            elif kind == "INPUTcheckbox":
                self.check(selector)
            else:
                self.fill(selector, value)
        self.click(f"#action-{name} button[type=submit]")
        self.page.wait_for_selector(".alert-success")

    def shot(self, name: str) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        slug = name.replace(" ", "-")
        self.page.screenshot(path=str(OUT / f"{self.size}-{len(self.steps):02d}-{slug}.png"))

    def report(self) -> str:
        lines = [f"Walk count at {self.size} ({SIZES[self.size]['width']}×{SIZES[self.size]['height']})"]
        for i, s in enumerate(self.steps, 1):
            at = f"  actions at {s['actions_at']:.2f} screens" if "actions_at" in s else ""
            lines.append(
                f"{i:2d}. {s['name']:<28} {s['who']:<10} loads {s['loads']:3d}  inputs {s['inputs']:3d}{at}"
            )
        loads = sum(s["loads"] for s in self.steps)
        inputs = sum(s["inputs"] for s in self.steps)
        lines.append(f"    {len(self.steps)} steps: {loads} page loads, {inputs} inputs")
        lines.append(
            f"    sign-ins ({self.sign_ins['loads'] // 2} of them): {self.sign_ins['loads']} page loads, "
            f"{self.sign_ins['inputs']} inputs; with them {loads + self.sign_ins['loads']} loads, "
            f"{inputs + self.sign_ins['inputs']} inputs"
        )
        return "\n".join(lines)


@pytest.mark.parametrize("size", SIZES)
def test_walk_one_complaint_through_the_flow(browser, live_server, make_user, size):
    people = {
        "sales": make_user(Role.SALES, full_name="王晓明"),
        "pm": make_user(Role.PROJECT_MANAGER, full_name="李项目"),
        "prod": make_user(Role.PRODUCTION_MANAGER, full_name="赵生产"),
        "lead": make_user(Role.SERVICE_LEAD, full_name="孙售后"),
        "qc": make_user(Role.QC, full_name="周质检"),
        "buyer": make_user(Role.PURCHASING, full_name="吴采购"),
    }
    shipment = ShipmentFactory(customer__name="大庆油田装备有限公司", order_number="SO-2026-0801")
    context = browser.new_context(
        viewport=SIZES[size], locale="zh-CN", has_touch=size == "phone", is_mobile=size == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    walk = Walk(page, size)
    today = timezone.localdate()

    # 1. Sales logs the complaint while the customer is on the phone.
    walk.sign_in(people["sales"])
    walk.step("intake", "sales")
    walk.menu("登记客诉")
    walk.choose("customer", "大庆")
    walk.fill("#id_caller_name", "张工")
    walk.fill("#id_caller_phone", "13900001111")
    walk.fill("#id_customer_words", "你们上个月发的套管,下井后接箍处漏了,井队已经停工!")
    walk.fill("#id_description", "第三根套管接箍螺纹处渗漏")
    walk.choose("shipment", shipment.lot_number)
    walk.fill("#id_quantity", "3")
    walk.fill("#id_site", "大庆油田 采油二厂 井场 7 号")
    walk.select("#id_remedy", "exchange")
    walk.fill("#id_paraphrase", "张工,您是说三根套管接箍处渗漏,井队停工,要求换货,我理解对吗?")
    walk.check("#id_customer_confirmed")
    walk.select("#id_emotion", "angry")
    walk.fill("#id_options_offered", "1. 上门检修 2. 换货")
    walk.fill("#id_option_chosen", "换货")
    walk.check("#id_onsite_needed")
    walk.select("#id_severity", "high")
    due = timezone.localtime() + datetime.timedelta(hours=3)
    walk.fill("#id_callback_due_at", due.strftime("%Y-%m-%dT%H:%M"))
    walk.fill("#id_callback_note", "三小时内回电告知处理安排")
    walk.click("#intake-form button[type=submit]")
    page.wait_for_selector("#ticket-number")
    walk.shot("intake-saved")
    ticket = Ticket.objects.get()
    number = ticket.number

    def turn(key: str, name: str, action: str, fields: dict) -> None:
        walk.sign_in(people[key])
        walk.step(name, key)
        walk.open_ticket(number)
        walk.shot(f"{name}-before")
        walk.act(action, fields)
        walk.shot(f"{name}-done")

    plan = {
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=3)).isoformat(),
        "scope": "现场检查接箍并更换",
        "mode": "onsite",
        "travellers": "孙售后",
    }
    turn("pm", "plan", "plan", plan)
    assign = {
        "lead": str(people["lead"].pk),
        "preliminary_analysis": "疑为螺纹加工超差",
        "tools_materials": "管钳、螺纹规、密封脂",
        "purchase_items": "接箍 139.7mm × 3",
    }
    turn("prod", "assign", "assign", assign)

    walk.sign_in(people["buyer"])
    walk.step("purchase ordered", "buyer")
    walk.menu("采购申请")
    walk.shot("purchases")
    walk.click("button[value=ordered]")
    page.wait_for_load_state()

    turn("lead", "escalate to QC", "escalate", {"reason": "现场无法判断渗漏原因"})
    review = {
        "participants": "质检、技术部、生产部",
        "root_cause": "接箍热处理不足",
        "solution": "更换合格批次接箍",
    }
    turn("qc", "QC review", "conclude_review", review)
    turn("lead", "progress", "progress", {"text": "已到达井场,开始更换"})
    disposition = {
        "work_done": "更换三根接箍并试压合格",
        "root_cause": "接箍热处理不足",
        "corrective_action": "更换合格批次接箍",
        "preventive_action": "热处理炉温曲线每班复核",
        "parts_used": "接箍 3 个",
        "parts_cost": "1350.00",
        "satisfaction": "satisfied",
        "customer_signatory": "张工",
    }
    turn("lead", "disposition", "submit_disposition", disposition)
    turn("prod", "sign-off production", "sign_off", {"comment": "同意"})
    turn("pm", "sign-off project", "sign_off", {})
    turn("qc", "archive", "archive", {"archive_ref": "QA-2026-031", "note": "纳入品质售后档案"})
    turn("sales", "follow-up", "follow_up", {"note": "客户对处理结果满意", "satisfaction": "satisfied"})
    assert Ticket.objects.get(pk=ticket.pk).state == State.ARCHIVED

    report = walk.report()
    print("\n" + report)
    (OUT / f"walk-count-{size}.txt").write_text(report + "\n", encoding="utf-8")
    context.close()
