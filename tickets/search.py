"""The all-tickets text search: exactly the tickets a plain `ILIKE '%term%'` finds in any of
the searched columns, answered from indexes.

The columns (SOURCES: number, customer code and name, lot, order number, site, the
customer's words, description) are stored joined by SEP in `Ticket.search_text`, as typed
(no lower-casing, no normalisation). SEP is a control character nobody types, so a term
without it matches the joined text exactly when it matches one of the columns: the search
is `search_text ILIKE '%term%'` (PostgreSQL lower-cases both sides itself, as for the
columns). A term holding SEP falls back to the columns one by one.

Indexes (PostgreSQL, migrations 0017/0018):
- a pg_trgm GIN index on `search_text` answers terms with three characters or more;
- trigrams need three characters, and Chinese words are often one or two. So every CJK
  character and every pair of adjacent CJK characters is stored in `search_grams`
  (space-separated) with a GIN index on its array; a short term containing CJK adds
  `grams @> the term's grams` — a necessary condition only, the ILIKE still decides.
  A term that matches a column contains only grams the column has, so nothing is lost.
Short Latin or digit terms ("5", "ks") use no index. The common ones match so many tickets
that the newest fifty are found at once by the date order; a rare one ("qz", "x") reads the
whole table: about 2.8 s at 1,000,000 tickets (grams of ASCII letters and digits would
answer it, at the price of rewriting every ticket's grams).
"""

import re

from django.db import connection
from django.db.models import F, Lookup, Q

# Joins the columns in search_text: a term without it cannot span two columns.
SEP = "\x1f"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{_CJK}]+")
# A term with a run of three word characters gives pg_trgm a trigram to look up.
_TRIGRAM = re.compile(r"\w{3}")

# What the search covers, in search_text order (Ticket fields; customer__ through the FK).
SOURCES = (
    "number",
    "customer__code",
    "customer__name",
    "lot_number",
    "order_number",
    "site",
    "customer_words",
    "description",
)


def search_text(parts) -> str:
    return SEP.join(p or "" for p in parts)


def grams(text: str) -> list[str]:
    """Every CJK character and every pair of adjacent CJK characters in `text`, sorted."""
    found = set()
    for run in CJK_RUN.findall(text):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return sorted(found)


def term_grams(term: str) -> list[str]:
    """The fewest grams a matching ticket must have: a run's pairs (they imply its
    characters), a lone character itself. Frequent single characters have long index
    entries; a pair's is short."""
    found = set()
    for run in CJK_RUN.findall(term):
        found.update([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
    return sorted(found)


def search_grams(text: str) -> str:
    return " ".join(grams(text))


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own characters taken literally (backslash is the escape)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ILikeContains(Lookup):
    """`lhs ILIKE rhs` with rhs a ready pattern (like_pattern). SQLite has no ILIKE; its LIKE
    ignores case for ASCII only, which is all the development database promises."""

    lookup_name = "ilike_pattern"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


class GramsContain(Lookup):
    """The ticket's stored grams include all of rhs (a list): what the GIN index on
    `string_to_array(search_grams, ' ')` answers. Elsewhere it is left to the ILIKE."""

    lookup_name = "grams_contain"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return "1 = 1", []
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"string_to_array({lhs}, ' ') @> {rhs}::text[]", [*lhs_params, *rhs_params]


def search_filter(term: str):
    """The filter for one search term (stripped by the caller; empty: no filter)."""
    if not term:
        return Q()
    pattern = like_pattern(term)
    if SEP in term:
        # Nobody types it; the joined text cannot answer, the columns can.
        q = Q(pk__in=[])
        for field in SOURCES:
            q |= Q(ILikeContains(F(field), pattern))
        return q
    condition = Q(ILikeContains(F("search_text"), pattern))
    short = term_grams(term)
    if short and not _TRIGRAM.search(term):
        condition &= Q(GramsContain(F("search_grams"), short))
    return condition


def ilike_ids(term: str) -> set[int]:
    """The reference the search must equal: the tickets a plain ILIKE '%term%' finds in any
    searched column, without search_text (the tests and the benchmark compare)."""
    columns = ("t.number", "c.code", "c.name", "t.lot_number", "t.order_number", "t.site")
    columns += ("t.customer_words", "t.description")
    op = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    escape = "" if connection.vendor == "postgresql" else " ESCAPE '\\'"
    where = " OR ".join(f"{c} {op} %s{escape}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the constant column names above are formatted in.
            f"SELECT t.id FROM tickets_ticket t JOIN core_customer c ON c.id = t.customer_id WHERE {where}",  # noqa: S608
            [like_pattern(term)] * len(columns),
        )
        return {row[0] for row in cursor.fetchall()}
