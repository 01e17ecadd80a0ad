"""The objection types of DESIGN.md §3. Admins may rename, reorder, add or deactivate them later."""

from django.db import migrations

TYPES = [
    # code, Chinese name, English name, sort order
    ("need", "需求异议", "Need", 10),
    ("product", "产品异议", "Product", 20),
    ("price", "价格异议", "Price", 30),
    ("source", "货源/竞品异议", "Competitor / source", 40),
    ("timing", "购买时间异议", "Timing", 50),
    ("authority", "决策权异议", "Authority", 60),
    ("budget", "财力/预算异议", "Budget", 70),
    ("service", "服务异议", "Service", 80),
]


def seed(apps, schema_editor):
    ObjectionType = apps.get_model("objections", "ObjectionType")
    for code, name, name_en, order in TYPES:
        ObjectionType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def unseed(apps, schema_editor):
    ObjectionType = apps.get_model("objections", "ObjectionType")
    ObjectionType.objects.filter(code__in=[t[0] for t in TYPES], objections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("objections", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
