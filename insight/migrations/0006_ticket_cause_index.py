"""The period's tickets, cost lines and repeat links of one department (its root causes)
without a pass over every one of the period: covering indexes led by the root cause.
PostgreSQL only."""

from django.db import migrations

INDEXES = [
    (
        "insight_ticket_cause",
        "CREATE INDEX IF NOT EXISTS insight_ticket_cause ON tickets_ticket (root_cause_category, created_at) "
        "INCLUDE (state, severity, safety, defect_type_id, product_id, customer_id, supplier_id, "
        "responded_at, resolved_at)",
    ),
    (
        "insight_cost_cause",
        "CREATE INDEX IF NOT EXISTS insight_cost_cause ON insight_costline (root_cause_category, "
        "ticket_created_at) INCLUDE (product_id, customer_id, supplier_id, parts, booked, recovered)",
    ),
    (
        "insight_repeat_cause",
        "CREATE INDEX IF NOT EXISTS insight_repeat_cause ON insight_repeatlink (root_cause_category, "
        "created_at) INCLUDE (ticket_id, product_id, customer_id, supplier_id, prev_id, prev_number, "
        "prev_at)",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _name, sql in INDEXES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _sql in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("insight", "0005_repeat_links")]

    operations = [migrations.RunPython(create, drop)]
