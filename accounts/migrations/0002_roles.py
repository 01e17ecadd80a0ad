"""Create one group per role (core.roles.Role). Names are stable slugs; labels are translated."""

from django.db import migrations

ROLE_SLUGS = [
    "sales",
    "sales_manager",
    "project_manager",
    "production_manager",
    "service_lead",
    "qc",
    "purchasing",
    "technical",
    "finance",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for slug in ROLE_SLUGS:
        Group.objects.get_or_create(name=slug)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_SLUGS).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
