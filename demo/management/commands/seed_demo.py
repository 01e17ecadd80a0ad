"""Load demo users (one per role) and realistic master data. Safe to run twice."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from masterdata.models import Contact, Customer, MaterialBatch, Product, Shipment, Site, Supplier

# Local-only demo password, documented in the README. Never use these accounts in production.
DEMO_PASSWORD = "kst-demo-2026"  # noqa: S105 - published demo password, DEBUG only

DEMO_USERS = [
    # username, full name, roles
    ("sales", "王晓明", [Role.SALES]),
    ("sales_manager", "李建国", [Role.SALES_MANAGER, Role.SALES]),
    ("project", "张伟", [Role.PROJECT_MANAGER]),
    ("production", "刘强", [Role.PRODUCTION_MANAGER]),
    ("service", "陈刚", [Role.SERVICE_LEAD]),
    ("qc", "赵敏", [Role.QC]),
    ("purchasing", "孙丽", [Role.PURCHASING]),
    ("technical", "周杰", [Role.TECHNICAL]),
    ("finance", "吴芳", [Role.FINANCE]),
    ("gm", "黄志远", [Role.GENERAL_MANAGER]),
]

CUSTOMERS = [
    ("C-DQ01", "大庆油田工程有限公司", "马经理", "13904590001", "大庆萨尔图作业区", "黑龙江省大庆市萨尔图区"),
    ("C-SL02", "胜利油田钻井工程公司", "鲁工", "13805460002", "东营河口采油厂", "山东省东营市河口区"),
    ("C-CQ03", "长庆油田第三采油厂", "白主任", "13709120003", "吴起作业区", "陕西省延安市吴起县"),
    ("C-TL04", "塔里木油田物资供应处", "艾科长", "13909960004", "轮南油气开发部", "新疆巴音郭楞州轮台县"),
]
SUPPLIERS = [
    ("S-BG01", "宝山钢铁股份有限公司", "钱经理", Decimal("500000.00")),
    ("S-TG02", "天津钢管制造有限公司", "郑经理", Decimal("300000.00")),
    ("S-HL03", "衡阳华菱钢管有限公司", "冯经理", Decimal("200000.00")),
]
PRODUCTS = [
    ("P-TG139", "石油套管", "API 5CT 139.7mm×7.72mm N80 LTC", "根"),
    ("P-YG73", "油管", "API 5CT 73.02mm×5.51mm J55 EUE", "根"),
    ("P-CYJ10", "游梁式抽油机", "CYJ10-3-53HB", "台"),
    ("P-JK35", "井口装置", "KY25/65 采油井口", "套"),
]
SHIPMENTS = [
    ("C-DQ01", "P-TG139", "XS-2026-0815", "TG2608-031", Decimal("1200"), datetime.date(2026, 8, 15)),
    ("C-SL02", "P-YG73", "XS-2026-0902", "YG2609-007", Decimal("800"), datetime.date(2026, 9, 2)),
    ("C-CQ03", "P-CYJ10", "XS-2026-0920", "CYJ2609-002", Decimal("6"), datetime.date(2026, 9, 20)),
    ("C-TL04", "P-JK35", "XS-2026-1011", "JK2610-015", Decimal("20"), datetime.date(2026, 10, 11)),
    ("C-DQ01", "P-YG73", "XS-2026-1026", "YG2610-022", Decimal("1500"), datetime.date(2026, 10, 26)),
]
BATCHES = [
    (
        "S-BG01",
        "N80 无缝管坯 Φ140",
        "BG-2608-A17",
        Decimal("5200.0000"),
        "吨",
        Decimal("300"),
        datetime.date(2026, 8, 3),
    ),
    (
        "S-BG01",
        "N80 无缝管坯 Φ140",
        "BG-2610-A02",
        Decimal("5450.0000"),
        "吨",
        Decimal("260"),
        datetime.date(2026, 10, 8),
    ),
    (
        "S-TG02",
        "J55 管坯 Φ75",
        "TG-2609-B05",
        Decimal("4800.0000"),
        "吨",
        Decimal("180"),
        datetime.date(2026, 9, 10),
    ),
    (
        "S-HL03",
        "接箍料 Φ156",
        "HL-2609-C11",
        Decimal("6100.0000"),
        "吨",
        Decimal("40"),
        datetime.date(2026, 9, 18),
    ),
]


class Command(BaseCommand):
    help = "Create demo users (one per role) and Chinese demo master data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a published password; DEBUG is off.")
        created = 0
        for username, full_name, roles in DEMO_USERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={"full_name": full_name, "email": f"{username}@kesutong.local"},
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            user.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))
        admin, new = User.objects.get_or_create(
            username="admin",
            defaults={
                "full_name": "系统管理员",
                "email": "admin@kesutong.local",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if new:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            created += 1

        for code, name, contact, phone, site, address in CUSTOMERS:
            customer, new = Customer.objects.get_or_create(code=code, defaults={"name": name})
            created += new
            _, new = Contact.objects.get_or_create(customer=customer, name=contact, defaults={"phone": phone})
            created += new
            _, new = Site.objects.get_or_create(customer=customer, name=site, defaults={"address": address})
            created += new
        for code, name, contact, deposit in SUPPLIERS:
            _, new = Supplier.objects.get_or_create(
                code=code, defaults={"name": name, "contact": contact, "quality_deposit_balance": deposit}
            )
            created += new
        for code, name, spec, unit in PRODUCTS:
            _, new = Product.objects.get_or_create(
                code=code, defaults={"name": name, "specification": spec, "unit": unit}
            )
            created += new
        for cust, prod, order, lot, qty, date in SHIPMENTS:
            _, new = Shipment.objects.get_or_create(
                customer=Customer.objects.get(code=cust),
                product=Product.objects.get(code=prod),
                lot_number=lot,
                defaults={"order_number": order, "quantity": qty, "ship_date": date},
            )
            created += new
        for sup, material, number, price, unit, qty, date in BATCHES:
            _, new = MaterialBatch.objects.get_or_create(
                supplier=Supplier.objects.get(code=sup),
                batch_number=number,
                defaults={
                    "material": material,
                    "unit_price": price,
                    "unit": unit,
                    "quantity_received": qty,
                    "received_date": date,
                },
            )
            created += new

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} records created)."))
        self.stdout.write(f"Demo accounts (local only), password for all: {DEMO_PASSWORD}")
        for username, full_name, roles in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {full_name}  {', '.join(str(r.label) for r in roles)}")
        self.stdout.write(f"  {'admin':<14} 系统管理员  staff admin")
