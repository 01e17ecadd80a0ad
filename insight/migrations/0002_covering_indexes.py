"""Covering indexes for the dashboards at 100,000 tickets (docs/insight.md, "Speed at
scale"): the period's tickets are read by an index-only scan instead of the wide ticket
rows. PostgreSQL only (INCLUDE, partial indexes); SQLite, the demo, does without."""

from django.db import migrations

INDEXES = [
    # grouped counts, service-level compliance: everything they read of a ticket
    (
        "insight_ticket_figures",
        "CREATE INDEX IF NOT EXISTS insight_ticket_figures ON tickets_ticket (created_at) INCLUDE "
        "(state, severity, safety, defect_type_id, root_cause_category, product_id, customer_id, "
        "supplier_id, responded_at, resolved_at)",
    ),
    # repeat failures: LAG over (product, defect) in index order, no sort
    (
        "insight_ticket_repeats",
        "CREATE INDEX IF NOT EXISTS insight_ticket_repeats ON tickets_ticket "
        "(product_id, defect_type_id, created_at, id) INCLUDE (number, customer_id, supplier_id, "
        "root_cause_category) WHERE product_id IS NOT NULL AND defect_type_id IS NOT NULL",
    ),
    (
        "insight_cost_figures",
        "CREATE INDEX IF NOT EXISTS insight_cost_figures ON insight_costline (ticket_created_at) "
        "INCLUDE (product_id, customer_id, supplier_id, root_cause_category, parts, booked, recovered)",
    ),
    (
        "insight_stay_figures",
        "CREATE INDEX IF NOT EXISTS insight_stay_figures ON insight_stepstay (ticket_created_at) "
        "INCLUDE (state, actor_id, hours, product_id, customer_id, supplier_id, root_cause_category)",
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
    dependencies = [("insight", "0001_summaries"), ("tickets", "0010_procedure_satisfaction_cc_technical")]

    operations = [migrations.RunPython(create, drop)]
