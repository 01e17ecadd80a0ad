"""Demo quality disputes with draft vouchers, on top of `seed_demo`. Safe to run twice."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounting import services
from accounting.models import QualityDispute
from accounts.models import User
from masterdata.models import Customer, MaterialBatch


class Command(BaseCommand):
    help = "Create a few demo quality disputes (finance user 'finance' from seed_demo) and a second clerk."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo data only with DEBUG on")
        finance = User.objects.filter(username="finance").first()
        if finance is None:
            raise CommandError("run `manage.py seed_demo` first")
        reviewer, new = User.objects.get_or_create(username="finance2", defaults={"full_name": "郑洁"})
        if new:
            from demo.management.commands.seed_demo import DEMO_PASSWORD

            reviewer.set_password(DEMO_PASSWORD)
            reviewer.save()
        reviewer.groups.add(*Group.objects.filter(name="finance"))
        if QualityDispute.objects.exists():
            self.stdout.write("demo disputes exist already")
            return
        services.chart_ensure()
        batch = MaterialBatch.objects.filter(batch_number="BG-2608-A17").first()
        customer = Customer.objects.filter(code="C-DQ01").first()
        day = datetime.date.today()
        demos = [
            {"node": "after_issue", "outcome": "return", "invoice_status": "invoiced_deducted",
             "material_batch": batch, "affected_quantity": Decimal("3"), "source_reference": "KS-DEMO-001",
             "red_form_date": day},
            {"node": "after_sale", "outcome": "indirect_loss_compensation", "customer": customer,
             "supplier": batch.supplier if batch else None, "compensation_to_customer": Decimal("80000"),
             "supplier_recourse": Decimal("30000"), "agreement_date": day, "payment_date": day},
            {"node": "litigation", "outcome": "litigation_costs", "costs": Decimal("15800"),
             "evidence": "(2026)黑06民初123号判决书；律师代理合同"},
        ]  # fmt: skip
        for fields in demos:
            dispute = services.dispute_create(by=finance, booking_date=day, **fields)
            services.dispute_generate_vouchers(dispute=dispute, by=finance)
        self.stdout.write(f"{len(demos)} demo disputes with draft vouchers; review/post as finance2")
