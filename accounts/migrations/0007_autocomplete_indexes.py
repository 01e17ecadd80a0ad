"""Indexes for finding customers by typing (core.selectors.customers_matching) and a
customer's newest shipments (shipments_matching); measured in benchmarks/autocomplete_bench.py.

Django's icontains is UPPER(col::text) LIKE UPPER('%…%') on PostgreSQL: trigram (pg_trgm)
indexes on exactly that expression serve it, Chinese names included. PostgreSQL only: on
SQLite (tests, development) the search scans, which is fine for its small data."""

from django.db import migrations, models

TRIGRAM = [
    ("core_customer_code_trgm", "core_customer", "code"),
    ("core_customer_name_trgm", "core_customer", "name"),
    ("core_materialbatch_number_trgm", "core_materialbatch", "batch_number"),
    ("core_materialbatch_material_trgm", "core_materialbatch", "material"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_commitment_closed_by"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="shipment",
            index=models.Index(fields=["customer", "-ship_date", "-id"], name="shipment_customer_newest"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
