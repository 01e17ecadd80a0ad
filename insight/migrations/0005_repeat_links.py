"""RepeatLink: each ticket's predecessor with the same product and defect, kept by the
summary refresh, so the repeat failures are one pass over the period's links; on
PostgreSQL read from a covering index (docs/insight.md, "Speed at scale")."""

from django.db import migrations, models

LINK = "ticket_id, product_id, customer_id, supplier_id, root_cause_category, prev_id, prev_number, prev_at"
INDEXES = [
    (
        "insight_repeat_figures",
        f"CREATE INDEX IF NOT EXISTS insight_repeat_figures ON insight_repeatlink (created_at) INCLUDE ({LINK})",
    ),
    # one product, customer or supplier: its links only
    *(
        (
            f"insight_repeat_{dim}",
            f"CREATE INDEX IF NOT EXISTS insight_repeat_{dim} ON insight_repeatlink ({dim}_id, created_at) "
            f"INCLUDE ({LINK}) WHERE {dim}_id IS NOT NULL",
        )
        for dim in ("product", "customer", "supplier")
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
    dependencies = [
        ("insight", "0004_stay_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="RepeatLink",
            fields=[
                ("ticket_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField()),
                ("product_id", models.BigIntegerField()),
                ("defect_type_id", models.BigIntegerField()),
                ("customer_id", models.BigIntegerField(null=True)),
                ("supplier_id", models.BigIntegerField(null=True)),
                ("root_cause_category", models.CharField(blank=True, max_length=16)),
                ("prev_id", models.BigIntegerField()),
                ("prev_number", models.CharField(max_length=20)),
                ("prev_at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["created_at"], name="insight_repeat_created"),
                    models.Index(fields=["product_id", "defect_type_id"], name="insight_repeat_series"),
                    models.Index(fields=["prev_id"], name="insight_repeat_prev"),
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
