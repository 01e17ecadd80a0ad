"""Every page URL, as every kind of user, with hostile values wherever the page reads one:
nothing may answer 5xx (issue 11).

The pages are found in the URL conf, not listed by hand, so a new page is crawled the day
it is added. The query and form parameters a page reads are discovered by watching it:
request.GET / request.POST are replaced by dicts that remember every key asked for, and
each of those keys (plus a fixed list of the ids the site passes around) then gets every
hostile value, one at a time. Path slots get them too (an <int:…> slot takes only the
overflowing number; the others never reach the view).
"""

import itertools
import os
import sys
import time
import uuid
from urllib.parse import quote, urlencode

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.conftest import HOSTILE_VALUES

pytestmark = [pytest.mark.django_db(transaction=True)]

# The API is schemathesis's (test_api_schemathesis.py); the admin is Django's own.
SKIP_PREFIXES = ("admin/", "api/", "i18n/", "media/", "static/")
# Ids and switches the pages pass to each other in links: tried on every page.
KNOWN_PARAMS = [
    "customer",
    "ticket",
    "shipment",
    "material_batch",
    "period",
    "request",
    "version",
    "page",
    "q",
    "type",
    "kind",
    "state",
    "status",
    "show",
    "scope",
    "next",
]
ROLES = [None, "sales", "qc", "finance"]
# Sent to each key alone: "²" passes str.isdigit() but not int() nor the database. A deeper
# run (KST_CRAWL_DEEP=1) adds the ones a bare int() or nothing at all lets through.
SLIPPERY_VALUES = ["²", "abc", "99999999999999999999"] if os.environ.get("KST_CRAWL_DEEP") else ["²"]


class RecordingQueryDict(QueryDict):
    """A QueryDict that remembers which keys the view asked for."""

    def __init__(self, *args, seen: set | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen = set() if seen is None else seen

    def __getitem__(self, key):
        self._seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._seen.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._seen.add(key)
        return super().__contains__(key)


@pytest.fixture
def seen_keys(monkeypatch):
    seen = {"GET": set(), "POST": set()}
    original_get, original_post = WSGIRequest.GET, WSGIRequest.POST

    def recording_get(request):
        data = RecordingQueryDict(seen=seen["GET"], mutable=True)
        data.update(original_get.func(request))
        data._mutable = False
        return data

    def recording_post(request):
        original = original_post.fget(request)
        data = RecordingQueryDict(seen=seen["POST"], mutable=True)
        data.update(original)
        data._mutable = False
        return data

    monkeypatch.setattr(WSGIRequest, "GET", property(recording_get))
    monkeypatch.setattr(WSGIRequest, "POST", property(recording_post, original_post.fset))
    return seen


def page_routes(patterns=None, prefix=""):
    """(route, pattern) for every page in the URL conf."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIP_PREFIXES) or route.startswith("^"):
            continue
        if isinstance(p, URLResolver):
            yield from page_routes(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


def _real_slot(route: str, name: str, kind: str, world) -> str:
    """A value for a path slot that opens a real object, chosen by where the slot is."""
    if kind == "uuid":
        return str(uuid.uuid4())
    if kind == "str":
        return {
            "number": world.tickets.assigned.number,
            "name": "progress",
            "action": "post" if route.startswith("accounting/vouchers") else "close",
        }.get(name, "x")
    table = [
        ("promises/", world.promise.pk),
        ("notifications/", world.notifications.first().pk),
        ("tickets/capa/", world.capa.pk),
        ("tickets/installations/<int:pk>/issues/<int:issue>", None),
        ("tickets/installations/", world.installation.pk),
        ("objections/prospects/", world.prospect.pk),
        ("objections/customers/", world.customer.pk),
        ("objections/", world.objection.pk),
        ("accounting/disputes/", world.dispute.pk),
        ("accounting/vouchers/", world.voucher.pk),
        ("accounting/periods/", world.period.pk),
        ("accounting/exports/", world.export.pk),
    ]
    if name == "issue":
        return str(world.issue.pk)
    for start, pk in table:
        if route.startswith(start) and pk is not None:
            return str(pk)
    return "1"


def urls_for(route: str, world) -> list[str]:
    """The route with real objects in its slots, then with each hostile value in each slot."""
    slots = []  # (placeholder, name, kind)
    for part in route.split("<")[1:]:
        inner = part.split(">", 1)[0]
        kind, _, name = inner.rpartition(":")
        slots.append((f"<{inner}>", name, kind or "str"))
    real = {ph: _real_slot(route, name, kind, world) for ph, name, kind in slots}

    def build(values):
        path = route
        for ph, value in values.items():
            path = path.replace(ph, quote(value, safe=""))
        return "/" + path

    urls = [build(real)]
    for ph, _name, _kind in slots:
        urls += [build({**real, ph: hostile}) for hostile in HOSTILE_VALUES]
    return urls


class Crawl:
    def __init__(self, world, seen_keys):
        self.world, self.seen = world, seen_keys
        self.requests = 0
        self.failures: list[str] = []
        self.urls: set[str] = set()
        self._exception = None
        got_request_exception.connect(self._caught)

    def _caught(self, sender, request=None, **kwargs):
        self._exception = repr(sys.exc_info()[1])[:300]

    def client(self, role):
        client = Client(raise_request_exception=False)
        if role:
            client.force_login(self.world.people[role])
        return client

    def call(self, client, role, method, url, data):
        self._exception = None
        self.requests += 1
        response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            shown = {k: (v if len(v) < 20 else v[:8] + "…") for k, v in data.items()}
            self.failures.append(
                f"{role or 'anonymous'} {method.upper()} {url[:80]} {shown} → "
                f"{response.status_code} {self._exception}"
            )
        return response

    def discover(self, client, role, method, url) -> set[str]:
        self.seen[method.upper()].clear()
        self.call(client, role, method, url, {"_probe": "1"})
        return set(self.seen[method.upper()]) - {"_probe", "csrfmiddlewaretoken"}

    def run(self, role, route, pattern):
        client = self.client(role)
        urls = urls_for(route, self.world)
        self.urls.add(route)
        for url in urls[1:]:
            self.call(client, role, "get", url, {})
        base = urls[0]
        # GET: every key the page read and the site's usual ids at once with each value, then
        # each key the page read alone with the values a careless check lets through (an
        # early 400 on one key would otherwise hide the next key's 500).
        keys = self.discover(client, role, "get", base)
        for value in HOSTILE_VALUES:
            self.call(client, role, "get", base, dict.fromkeys(keys | set(KNOWN_PARAMS), value))
        for key, value in itertools.product(sorted(keys), SLIPPERY_VALUES):
            self.call(client, role, "get", base, {key: value})
        # POST: every field of the form at once with each value, then each field alone.
        # Signing out is what POST /logout/ is for; it would end the crawl's session.
        if route == "logout/":
            return
        keys = self.discover(client, role, "post", base)
        for value in HOSTILE_VALUES:
            self.call(client, role, "post", base, dict.fromkeys(keys, value))
        for key, value in itertools.product(sorted(keys), SLIPPERY_VALUES):
            self.call(client, role, "post", base, {key: value})


def test_no_page_answers_5xx_to_hostile_input(world, seen_keys, capsys):
    crawl = Crawl(world, seen_keys)
    routes = list(page_routes())
    assert len(routes) > 40, "the URL conf walk found too few pages"
    log = os.environ.get("KST_CRAWL_LOG")
    for role in ROLES:
        for route, pattern in routes:
            started, before = time.monotonic(), crawl.requests
            crawl.run(role, route, pattern)
            if log:
                with open(log, "a") as f:
                    f.write(
                        f"{role} {route} {crawl.requests - before} {time.monotonic() - started:.1f}s "
                        f"{len(crawl.failures)}\n"
                    )
    summary = (
        f"hostile crawl: {len(crawl.urls)} page routes × {len(ROLES)} roles, "
        f"{crawl.requests} requests, {len(crawl.failures)} 5xx"
    )
    with capsys.disabled():
        print("\n" + summary)
    if log:
        with open(log, "a") as f:
            f.write("\n".join(crawl.failures) + "\n")
    assert not crawl.failures, summary + "\n" + "\n".join(crawl.failures[:60])


def test_query_strings_reach_the_pages_as_sent():
    # The crawl relies on urlencode round-tripping every hostile value unchanged.
    for value in HOSTILE_VALUES:
        assert QueryDict(urlencode({"k": value}))["k"] == value
