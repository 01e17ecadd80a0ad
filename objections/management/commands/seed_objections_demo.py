"""Demo objections for the demo users of `seed_demo`, so the playbook and trends have
something to show on a fresh machine. Safe to run twice (fixed submit tokens)."""

import datetime
import random
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from masterdata.models import Customer
from objections.models import Objection, ObjectionType
from objections.services import objection_log, quiet_contact_log

NAMESPACE = uuid.UUID("6f1d1c1e-8f0a-4d0e-9a52-3b1f0c6d5e01")
SAYINGS = {
    "price": ("你们比宝鸡那家贵了一成", "是的，单价高一点，但这批 N80 套管的寿命长一倍"),
    "timing": ("年底再说吧，现在预算冻结了", "问清了明年一季度的开钻计划"),
    "product": ("上次那批接箍螺纹有问题", "带他们看了新的螺纹检测报告"),
    "source": ("我们一直用天津钢管的", "请他们先试用一口井"),
    "authority": ("这个我做不了主，要问老板", "约了老板下周一起见面"),
    "service": ("出了问题你们多久能到现场", "承诺 48 小时到井场，并给出去年的到场记录"),
}
# What a lost objection of each type taught us (§1 "learn from rejection").
LESSONS = {
    "price": "先讲清寿命和综合成本，再报单价",
    "timing": "预算冻结前一个季度就该把方案送到",
    "product": "上次的质量问题要先给出整改报告，再谈新单",
    "source": "老供应商关系深，应先争取一口井的试用",
    "authority": "第一次拜访就要问清谁拍板",
    "service": "带上服务网点地图和到场记录再去",
}
# technique -> chance that it ended well, so the playbook shows a real spread
TECHNIQUES = {"evidence": 0.8, "yes_but": 0.6, "questioning": 0.7, "compensation": 0.5, "ignore": 0.2}


class Command(BaseCommand):
    help = "Load demo sales objections (after seed_demo)."

    def handle(self, *args, **options):
        people = list(User.objects.filter(username__in=["sales", "sales_manager"]))
        customers = list(Customer.objects.order_by("code"))
        if not people or not customers:
            raise CommandError("Run seed_demo first: it creates the demo users and customers.")
        rng = random.Random(2026)  # noqa: S311 - demo data, not security
        today = timezone.localdate()
        created = 0
        with transaction.atomic():
            for i in range(60):
                code = rng.choice(list(SAYINGS))
                technique = rng.choice(list(TECHNIQUES))
                days_ago = rng.randint(3, 150)
                worked = rng.random() < TECHNIQUES[technique]
                outcome = rng.choice(["won", "resolved"]) if worked else "lost"
                if days_ago < 20:
                    outcome = "pending"
                ended = None if outcome == "pending" else today - datetime.timedelta(days=days_ago - 5)
                hidden = rng.random() < 0.25
                words, response = SAYINGS[code]
                objection, was_new = objection_log(
                    by=people[i % len(people)],
                    customer=customers[i % len(customers)],
                    stage=rng.choice(Objection.Stage.values),
                    words=words,
                    type=ObjectionType.objects.get(code=code),
                    genuineness="hidden" if hidden else rng.choice(["true", "false"]),
                    hidden_belief="其实担心付款周期" if hidden else "",
                    cause=rng.choice(Objection.Cause.values),
                    technique=technique,
                    response=response,
                    lesson=LESSONS[code] if outcome == "lost" else "",
                    outcome=outcome,
                    outcome_date=ended,
                    submit_token=uuid.uuid5(NAMESPACE, str(i)),
                )
                if was_new:
                    # Demo history only: spread the entries over the past months for the trends.
                    logged = timezone.now() - datetime.timedelta(days=days_ago)
                    Objection.objects.filter(pk=objection.pk).update(created_at=logged)
                    created += 1
            # A few customers who raised no objection at all (§1-三.5), for the trends.
            for i in range(10):
                days_ago = 10 + i * 14
                outcome = "pending" if days_ago < 20 else ("won" if i % 3 == 0 else "lost")
                contact, was_new = quiet_contact_log(
                    by=people[i % len(people)],
                    customer=customers[(i * 7) % len(customers)],
                    stage=Objection.Stage.values[i % 4],
                    note="客户一直点头，没有提任何问题，也没有下单意向",
                    outcome=outcome,
                    outcome_date=None
                    if outcome == "pending"
                    else today - datetime.timedelta(days=days_ago - 7),
                    submit_token=uuid.uuid5(NAMESPACE, f"quiet-{i}"),
                )
                if was_new:
                    logged = timezone.now() - datetime.timedelta(days=days_ago)
                    type(contact).objects.filter(pk=contact.pk).update(created_at=logged)
        self.stdout.write(f"{created} demo objection(s) created.")
