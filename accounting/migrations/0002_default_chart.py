"""Load the default chart of accounts and VAT rates (docs/voucher-rules.md). Safe to run twice."""

from decimal import Decimal

from django.db import migrations

from accounting.chart import DEFAULT_CHART, DEFAULT_VAT_RATES, parent_code


def load(apps, schema_editor):
    Account = apps.get_model("accounting", "Account")
    VatRate = apps.get_model("accounting", "VatRate")
    for code in sorted(DEFAULT_CHART, key=len):  # parents before their sub-accounts
        parent = parent_code(code)
        Account.objects.update_or_create(
            code=code,
            defaults={
                "name": DEFAULT_CHART[code],
                "parent": Account.objects.get(code=parent) if parent else None,
            },
        )
    for rate, label, is_default in DEFAULT_VAT_RATES:
        VatRate.objects.get_or_create(rate=Decimal(rate), defaults={"label": label, "is_default": is_default})


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
