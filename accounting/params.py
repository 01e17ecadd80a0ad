"""Reading ids from requests: one way, so `?period=abc`, `²`, NUL bytes or huge numbers answer
"not found" or a clear error instead of a server error."""

MAX_ID_DIGITS = 18  # below bigint's 9,223,372,036,854,775,807


def int_or_none(value) -> int | None:
    """A positive id from a query string or form value; None for anything else ('abc', '²',
    '1.5', a NUL byte, 10,000 digits). `str.isdigit()` alone accepts '²', which int() refuses."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number or None


def clean_text(value, max_length: int = 200) -> str:
    """A short text parameter without NUL bytes (PostgreSQL refuses them in a query)."""
    return str(value or "").replace("\x00", "").strip()[:max_length]
