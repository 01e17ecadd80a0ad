"""The text behind the all-tickets search, shaped so a pg_trgm index can answer it.

Trigrams need three characters, but Chinese words are often two characters long and are
not separated by spaces. So besides the lower-cased text, every pair of adjacent CJK
characters is stored as its own space-separated word: a two-character query then becomes
`LIKE '% 粘扣 %'`, which the trigram index can use (" 粘扣", "粘扣 ").
"""

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def search_text(parts) -> str:
    text = " ".join(p for p in parts if p).lower()
    pairs = {run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)}
    return f"{text} | {' '.join(sorted(pairs))} " if pairs else text


def search_lookup(query: str) -> dict:
    """The ORM filter for one query string."""
    query = query.strip().lower()
    if len(query) == 2 and all(CJK.match(c) for c in query):
        return {"search_text__contains": f" {query} "}
    return {"search_text__contains": query}
