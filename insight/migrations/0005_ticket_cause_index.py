"""The period's tickets of one department (its root causes) without a pass over every
ticket of the period: the figures' covering index led by the root cause. PostgreSQL only."""

from django.db import migrations

NAME = "insight_ticket_cause"
SQL = (
    f"CREATE INDEX IF NOT EXISTS {NAME} ON tickets_ticket (root_cause_category, created_at) INCLUDE "
    "(state, severity, safety, defect_type_id, product_id, customer_id, supplier_id, responded_at, "
    "resolved_at)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("insight", "0004_repeat_links")]

    operations = [migrations.RunPython(create, drop)]
