"""StayRollup (time in step per month, exact to the tenth shown) and, on PostgreSQL, the
indexes that let the stays of one product, customer or supplier be read without a pass
over the period's stays, and the costliest tickets without a sort of the period's cost
lines (docs/insight.md, "Speed at scale")."""

from django.db import migrations, models

STAY = "state, actor_id, hours"
INDEXES = [
    (
        f"insight_stay_{dim}",
        f"CREATE INDEX IF NOT EXISTS insight_stay_{dim} ON insight_stepstay ({dim}_id, ticket_created_at) "
        f"INCLUDE ({STAY}) WHERE {dim}_id IS NOT NULL",
    )
    for dim in ("product", "customer", "supplier")
]
# The costliest tickets: read in order of net cost until ten match the filters (index only).
INDEXES.append(
    (
        "insight_cost_net",
        "CREATE INDEX IF NOT EXISTS insight_cost_net ON insight_costline "
        "(((parts + booked) - recovered) DESC, ticket_id) INCLUDE (ticket_created_at, product_id, "
        "customer_id, supplier_id, root_cause_category, number, parts, booked, recovered)",
    )
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _name, sql in INDEXES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _sql in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("insight", "0003_report_jobs")]

    operations = [
        migrations.CreateModel(
            name="StayRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("root_cause_category", models.CharField(blank=True, max_length=16)),
                ("state", models.CharField(max_length=12)),
                ("actor_id", models.BigIntegerField()),
                ("tenths", models.IntegerField()),
                ("stays", models.PositiveIntegerField()),
                ("low", models.FloatField()),
                ("high", models.FloatField()),
            ],
            options={
                "indexes": [models.Index(fields=["month", "root_cause_category"], name="insight_stayroll_month")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
