"""The text search answers exactly what ILIKE finds in the searched columns (tickets/search.py):
search_text becomes the columns as typed, joined by a separator, and search_grams holds
their CJK characters and pairs for one- and two-character terms.

Existing rows are rewritten in batches computed in Python and written with one UPDATE per
batch; on PostgreSQL the trigram index is dropped first and both indexes are built at the
end (building an index once is much quicker than maintaining it row by row).
"""

from django.db import migrations, models

from tickets.search import search_grams, search_text

BATCH = 20_000
COLUMNS = "t.number, c.code, c.name, t.lot_number, t.order_number, t.site, t.customer_words, t.description"


def rows(cursor, after: int):
    cursor.execute(
        f"SELECT t.id, {COLUMNS} FROM tickets_ticket t JOIN core_customer c ON c.id = t.customer_id "
        "WHERE t.id > %s ORDER BY t.id LIMIT %s",
        [after, BATCH],
    )
    return cursor.fetchall()


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("DROP INDEX IF EXISTS ticket_search_trgm")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        after = 0
        while batch := rows(cursor, after):
            values = []
            for row in batch:
                text = search_text(row[1:])
                values.append((row[0], text, search_grams(text)))
            after = batch[-1][0]
            if postgres:
                cursor.execute(
                    "UPDATE tickets_ticket t SET search_text = v.text, search_grams = v.grams "
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, text, grams) WHERE t.id = v.id",
                    [[v[0] for v in values], [v[1] for v in values], [v[2] for v in values]],
                )
            else:
                cursor.executemany(
                    "UPDATE tickets_ticket SET search_text = %s, search_grams = %s WHERE id = %s",
                    [(v[1], v[2], v[0]) for v in values],
                )
        if postgres:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX ticket_search_trgm ON tickets_ticket USING gin (search_text gin_trgm_ops)"
            )
            cursor.execute(
                "CREATE INDEX ticket_search_grams ON tickets_ticket "
                "USING gin (string_to_array(search_grams, ' '))"
            )
            # The planner's share of each gram (frequent ones: walk the date order instead).
            cursor.execute("ANALYZE tickets_ticket")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_search_grams")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0016_event_kinds_merged")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_grams",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
