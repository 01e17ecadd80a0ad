"""The read-only general manager (总经理) role: sees dashboards and reports, acts on nothing."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="general_manager")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="general_manager").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_shipment_material_batch")]
    operations = [migrations.RunPython(create_group, remove_group)]
