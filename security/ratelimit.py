"""A fixed-window request counter in the shared cache, for pages without a login (the
customer portal). Counters live in CACHES["default"] (Redis in production, one per process
only in development and tests), so every worker counts the same hits."""

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, as django-axes uses it (behind a proxy: set the address there)."""
    return request.META.get("REMOTE_ADDR", "") or ""


def rate_limited(key: str, *, limit: int, window: int = 3600) -> bool:
    """Count one hit on `key`; True once more than `limit` hits fell in the current window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return limit < 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        hits = 1
    return hits > limit
