"""Short text parameters of the accounting pages (ids are read with security.params)."""


def clean_text(value, max_length: int = 200) -> str:
    """A short text parameter without NUL bytes (PostgreSQL refuses them in a query)."""
    return str(value or "").replace("\x00", "").strip()[:max_length]
