"""A year of complaint tickets written through the real services at their own moments
(the clock is moved for each step), so timelines, SLA clocks, CAPA checks, disputes with
posted vouchers and promises are all true. Runs after `seed_demo` (`make run` calls both);
idempotent (fixed intake tokens: a ticket already there is left alone); refuses with
DEBUG off. Mail goes nowhere and the demo's notifications are marked read."""

import datetime
import random
import time
import uuid
from decimal import Decimal
from unittest import mock

import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounting import services as accounting
from accounts.models import User
from accounts.roles import Role
from capa.services import capa_verify
from demo.management.commands.seed_demo import DEMO_PASSWORD
from insight.services import refresh_summaries
from masterdata.models import Shipment, Supplier
from notify.models import Notification
from phrases.models import ReplyTemplate
from phrases.services import reply_template_save
from promises.models import Commitment
from promises.services import commitment_close
from tickets import services
from tickets.models import CapaCheck, DefectType, RootCause, State, Ticket

NAMESPACE = uuid.UUID("0b7f5c7e-2d8e-4c1a-9c4e-5a1d2f3e4b60")
EXTRA_PEOPLE = [
    ("service2", "王海", [Role.SERVICE_LEAD]),
    ("finance2", "郑洁", [Role.FINANCE]),
]
# Defects and causes weighted so the Pareto charts have a real head and tail.
DEFECTS = {
    "THREAD": 30,
    "LEAK": 22,
    "DIM": 12,
    "CORR": 9,
    "MECH": 8,
    "COAT": 6,
    "PACK": 5,
    "ELEC": 4,
    "DOC": 2,
}
CAUSES = {
    RootCause.MATERIAL: 28,
    RootCause.METHOD: 22,
    RootCause.MAN: 14,
    RootCause.MEASUREMENT: 10,
    RootCause.MACHINE: 8,
    RootCause.TRANSPORT: 7,
    RootCause.DESIGN: 6,
    RootCause.CUSTOMER_USE: 5,
}
WORDS = [
    ("套管接箍处渗漏，井队停工等待", "下井后第三根套管接箍渗漏"),
    ("油管螺纹上扣时粘扣", "油管螺纹粘扣，无法继续下井"),
    ("抽油机减速箱异响", "抽油机运行中减速箱异响、振动大"),
    ("井口装置阀门关不严", "采油井口闸阀内漏"),
    ("管子外壁有锈斑", "到货套管外壁锈蚀，防腐层破损"),
]
H = datetime.timedelta(hours=1)


# Reply templates from the guide's techniques (procedure §4), in the plant's own words.
REPLY_TEMPLATES = [
    (
        "确认理解（接诉）",
        "intake",
        "{联系人}您好，我是{我}。我确认一下我的理解是否正确：您反映的是……，对吗？"
        "这个问题我已经登记，单号是{单号}。",
    ),
    (
        "约定回电（暂无结论）",
        "progress",
        "{联系人}您好，{单号}的问题我们还在分析，需要一点时间。我会在{回电时间}之前给您回电，"
        "即使到时还没有最终结论，也会告诉您进展。",
    ),
    (
        "处理完成回访",
        "follow_up",
        "{联系人}您好，我是{客户}的业务员{我}。{单号}的问题已经处理完毕，想了解一下设备现在运行得怎么样？"
        "您对这次处理还满意吗？",
    ),
    (
        "情绪安抚",
        "intake",
        "{联系人}，非常抱歉给您带来麻烦，我完全理解您现在的心情。让我看一下该如何帮助您，我很愿意为您解决这个问题。",
    ),
]


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class Command(BaseCommand):
    help = "A year of demo complaint tickets, dispositions, CAPA checks, disputes and promises (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=80, help="how many tickets (default 80)")
        parser.add_argument("--force", action="store_true", help="run with DEBUG off (never in production)")

    def handle(self, *args, tickets: int = 80, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_data writes demo records for accounts with a published password; DEBUG is off."
            )
        if not User.objects.filter(username="sales").exists():
            call_command("seed_demo", force=force, stdout=self.stdout)
        started = time.monotonic()
        self.people = self._people()
        self.rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
        self.now = timezone.now()
        self.recent = 0  # recent tickets so far: they stop at each step in turn
        created = 0
        first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # One transaction (SQLite syncs the disk once, not per step) and no mail: the demo's
        # notifications stay in the bell, marked read and skipped, never sent.
        with mock.patch("notify.services.queue_send"), transaction.atomic():
            accounting.chart_ensure()
            for i in range(tickets):
                created += self._ticket(i, tickets)
            demo_rows = Notification.objects.filter(pk__gt=first_notification)
            demo_rows.filter(status=Notification.Status.PENDING).update(status=Notification.Status.SKIPPED)
            demo_rows.filter(read_at__isnull=True).update(read_at=self.now)
        call_command("seed_objections_demo", stdout=self.stdout)
        self._reply_templates()
        refresh_summaries(full=True)  # the dashboards' cost and time in step, as of now
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo tickets: {created} created, {tickets - created} already there ({seconds:.1f} s)."
            )
        )

    # -- the reply-template library (phrases) --------------------------------------------
    def _reply_templates(self) -> None:
        for title, use, body in REPLY_TEMPLATES:
            if not ReplyTemplate.objects.filter(title=title).exists():
                reply_template_save(by=self.people["sales"], title=title, use=use, body=body)

    # -- people -------------------------------------------------------------------------
    def _people(self) -> dict[str, User]:
        for username, name, roles in EXTRA_PEOPLE:
            user, new = User.objects.get_or_create(
                username=username, defaults={"full_name": name, "email": f"{username}@kesutong.local"}
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))
        names = (
            "sales",
            "sales_manager",
            "project",
            "production",
            "service",
            "service2",
            "qc",
            "finance",
            "finance2",
        )
        return {u.username: u for u in User.objects.filter(username__in=names)}

    # -- one ticket ---------------------------------------------------------------------
    def _ticket(self, i: int, total: int) -> int:
        rng, p = self.rng, self.people
        token = uuid.uuid5(NAMESPACE, f"ticket-{i}")
        # Draw everything even for a ticket already there, so a rerun draws the same values.
        age_days = 365 * (1 - i / total) ** 1.3 + rng.random()
        logged = self._working_moment(self.now - datetime.timedelta(days=age_days))
        shipment = rng.choice(list(Shipment.objects.select_related("customer", "product").order_by("id")))
        words, description = rng.choice(WORDS)
        severity = rng.choices(["low", "medium", "high", "critical"], weights=[25, 45, 22, 8])[0]
        defect = DefectType.objects.filter(code=pick(rng, DEFECTS)).first()
        cause = pick(rng, CAUSES)
        supplier = (
            rng.choice(list(Supplier.objects.order_by("code"))) if cause == RootCause.MATERIAL else None
        )
        fate = rng.random()
        if Ticket.objects.filter(intake_token=token).exists():
            return 0
        promise = rng.random() < 0.3
        with time_machine.travel(logged, tick=False):
            ticket = services.ticket_create(
                by=p["sales"] if i % 3 else p["sales_manager"],
                intake_token=token,
                customer=shipment.customer,
                shipment=shipment,
                channel=rng.choice(["phone", "phone", "email", "visit"]),
                caller_name="现场负责人",
                caller_phone="13800000000",
                customer_words=words,
                description=description,
                # never more than was shipped: a dispute from this ticket books at most that
                quantity=Decimal(rng.randint(1, max(1, min(40, int(shipment.quantity or 1))))),
                site=f"{shipment.customer.name} 作业区 {rng.randint(1, 30)} 号井",
                remedy=rng.choice(["repair", "exchange", "return", "none"]),
                paraphrase=f"您是说{description}，对吗？",
                customer_confirmed=True,
                emotion=rng.choice(["calm", "worried", "disappointed", "angry"]),
                options_offered="上门检修；换货",
                option_chosen="上门检修",
                onsite_needed=True,
                severity=severity,
                safety=rng.random() < 0.05,
                defect_type=defect,
                callback_due_at=logged + 4 * H if promise else None,
                callback_note="回电告知处理安排" if promise else "",
            )
        if promise:
            self._close_promise(ticket, logged + rng.choice([2, 3, 6]) * H)
        # How far this ticket gets: recent ones are still on their way.
        recent = age_days < 20
        if fate < 0.04 and not recent:
            return self._steps(ticket, logged, [("reject", p["project"], {"reason": "非我司供货产品"})])
        # Recent tickets stop at each step in turn, the older ones (more days to get there)
        # at the later steps, so that every step has tickets waiting in it.
        stops = ["confirming", "in_service", "qc_review", "assigned", "planned", "received"]
        until = "archived"
        if recent:
            until = stops[self.recent % len(stops)]
            self.recent += 1
        lead = p["service"] if i % 2 else p["service2"]
        classify = {"root_cause_category": str(cause), "supplier": supplier.pk if supplier else ""}
        today = timezone.localdate()
        steps = [
            ("plan", p["project"], {"start_date": today, "end_date": today, "scope": "现场检查、更换", "mode": "onsite", "travellers": lead.display_name}),
            ("assign", p["production"], {"lead": lead.pk, "preliminary_analysis": "初步判断为" + cause.label, "tools_materials": "管钳、密封脂、检测仪", "purchase_items": ""}),
        ]  # fmt: skip
        if until == "received":
            steps = []
        elif until == "planned":
            steps = steps[:1]
        elif until != "assigned":
            if rng.random() < 0.25 or until == "qc_review":
                steps.append(("escalate", lead, {"reason": "现场无法确定根本原因"}))
                if until != "qc_review":
                    steps.append(("conclude_review", p["qc"], {"participants": "质检、技术部、生产部", "root_cause": f"{cause.label}：批次检验发现问题", "solution": "更换并加严检验", **classify}))  # fmt: skip
            else:
                steps.append(("start_service", lead, {"text": "已到达井场，开始处理"}))
            if until not in ("qc_review", "in_service"):
                parts = Decimal(rng.choice([0, 350, 800, 1200, 2600, 5400]))
                steps.append(("submit_disposition", lead, {"work_done": "更换问题部件并试压合格", "root_cause": f"{cause.label}导致{defect.name}", "corrective_action": "更换并复检同批次产品", "preventive_action": "修订检验规程，加严首件检验", "parts_used": "接箍、密封件" if parts else "", "parts_cost": str(parts), "satisfaction": "satisfied", "customer_signatory": "现场负责人", "defect_type": defect.pk, **classify}))  # fmt: skip
                if until == "archived":
                    steps += [
                        ("sign_off", p["project"], {"capacity": "project_manager", "comment": ""}),
                        ("sign_off", p["production"], {"capacity": "production_manager", "comment": ""}),
                        ("archive", p["qc"], {"archive_ref": f"QA-{i:04d}", "note": ""}),
                    ]
        self._steps(ticket, logged, steps)
        ticket.refresh_from_db()
        if ticket.state == State.ARCHIVED:
            self._after_archive(ticket, cause, supplier)
        return 1

    def _steps(self, ticket: Ticket, at: datetime.datetime, steps) -> int:
        for name, who, data in steps:
            gap = {"plan": 3, "assign": 6, "submit_disposition": 50, "archive": 12}.get(name, 10)
            at = self._working_moment(at + datetime.timedelta(hours=self.rng.uniform(0.3, 2) * gap))
            if at >= self.now:
                break
            with time_machine.travel(at, tick=False):
                ticket = services.ticket_transition(
                    ticket=Ticket.objects.get(pk=ticket.pk), to=name, by=who, data=data
                )
        return 1

    def _after_archive(self, ticket: Ticket, cause, supplier) -> None:
        rng, p = self.rng, self.people
        check = CapaCheck.objects.filter(ticket=ticket, status=CapaCheck.Status.SCHEDULED).first()
        if check:
            due = timezone.make_aware(datetime.datetime.combine(check.due_on, datetime.time(10)))
            if due < self.now:
                with time_machine.travel(due, tick=False):
                    effective = rng.random() > 0.15
                    note = "复查同批次 30 天无复发" if effective else "同一井场再次出现同类问题"
                    capa_verify(check=check, by=p["qc"], effective=effective, note=note)
        if cause == RootCause.MATERIAL and supplier and rng.random() < 0.5:
            self._dispute(ticket, supplier, "indirect_loss_compensation")
        elif rng.random() < 0.06:
            self._dispute(ticket, None, "litigation_costs")

    def _dispute(self, ticket: Ticket, supplier, outcome: str) -> None:
        rng, p = self.rng, self.people
        day = timezone.localtime(ticket.resolved_at or ticket.created_at).date()
        if outcome == "indirect_loss_compensation":
            amount = Decimal(rng.choice([8000, 12000, 25000, 40000]))
            recourse = (amount * Decimal("0.6")).quantize(Decimal("1"))
            fields = {"node": "after_sale", "outcome": outcome, "supplier": supplier,
                      "compensation_to_customer": amount, "supplier_recourse": recourse}  # fmt: skip
        else:
            fields = {"node": "litigation", "outcome": outcome, "costs": Decimal(rng.choice([6800, 15800])),
                      "evidence": "律师代理合同；诉讼费收据"}  # fmt: skip
        with time_machine.travel(
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(15))), tick=False
        ):
            dispute = accounting.dispute_create(by=p["finance"], booking_date=day, source=ticket, **fields)
            for voucher in accounting.dispute_generate_vouchers(dispute=dispute, by=p["finance"]):
                accounting.voucher_review(voucher=voucher, by=p["finance2"])
                accounting.voucher_post(voucher=voucher, by=p["finance"])

    def _close_promise(self, ticket: Ticket, at: datetime.datetime) -> None:
        if at >= self.now:
            return
        promise = Commitment.objects.filter(source_id=ticket.pk, status=Commitment.Status.OPEN).first()
        if promise:
            with time_machine.travel(at, tick=False):
                kept = self.rng.random() > 0.2
                commitment_close(
                    commitment=promise,
                    by=promise.owner,
                    kept=kept,
                    outcome_note="已回电说明安排" if kept else "",
                )

    def _working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """Move an instant into office hours (09:00–17:00 on a weekday), as people log and act."""
        local = timezone.localtime(moment)
        # Drawn whatever the hour: otherwise the time of day the command runs at would change
        # every later draw, and with them which states the demo's tickets reach.
        minute = self.rng.randint(0, 59)
        if local.hour < 9:
            local = local.replace(hour=9, minute=minute)
        elif local.hour >= 17:
            local = (local + datetime.timedelta(days=1)).replace(hour=9, minute=minute)
        while local.weekday() >= 5:
            local += datetime.timedelta(days=1)
        return local
