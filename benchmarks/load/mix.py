"""The load test's mix: every request the locustfile makes, by name, with the role that makes
it and how often (relative weight within the role). A plain module (no locust import: locust
patches the standard library with gevent when imported), so the tests can check that every
path still resolves and answers the role that uses it (tests/deploy/test_load_mix.py).

A working day of a plant's complaint desk: many more page views than writes. Sales answer the
phone (look the customer up, log the complaint), QC and the project department work the ticket
list, finance books the disputes, and an ERP integration reads the API.
"""

from dataclasses import dataclass

# How many simulated people of each role come per "set" of ten (locust's user class weights).
ROLE_WEIGHTS = {"sales": 5, "quality": 3, "finance": 1, "api": 1}

# The accounts each role signs in with (tickets_bench.people() makes sales, qc and project
# managers; the runner adds finance and uses service leads as the API client's accounts).
ACCOUNT_ROLES = {
    "sales": ["sales"],
    "quality": ["qc", "project_manager"],
    "finance": ["finance"],
    "api": ["service_lead"],
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # str.format template: {number}, {pk}, {q}, {page}, {state}
    role: str
    weight: int
    what: str


MIX: dict[str, Request] = {
    "home": Request("GET", "/", "sales", 10, "home page (cards)"),
    "sales: my work": Request("GET", "/tickets/mine/", "sales", 15, "my work"),
    "sales: customer autocomplete": Request(
        "GET", "/autocomplete/customers/?q={q}", "sales", 10, "customer typed in a picker"
    ),
    "sales: ticket page": Request("GET", "/tickets/{number}/", "sales", 15, "a ticket's page"),
    "sales: bell": Request("GET", "/notifications/menu/", "sales", 8, "the bell's poll"),
    "sales: intake form": Request("GET", "/tickets/new/", "sales", 3, "the complaint form"),
    "sales: intake POST": Request("POST", "/tickets/new/", "sales", 2, "log a complaint (form POST, CSRF)"),
    "sales: objections": Request("GET", "/objections/mine/", "sales", 2, "my objections"),
    # QC / project department: the ticket list is their desk.
    "quality: all tickets": Request("GET", "/tickets/all/", "quality", 8, "all tickets, page 1"),
    "quality: list by state": Request(
        "GET", "/tickets/all/?state={state}&page={page}", "quality", 8, "filtered by state, a page"
    ),
    "quality: text search": Request(
        "GET", "/tickets/all/?q={q}", "quality", 6, "search by number, customer or words"
    ),
    "quality: ticket page": Request("GET", "/tickets/{number}/", "quality", 15, "a ticket's page"),
    "quality: my work": Request("GET", "/tickets/mine/", "quality", 10, "my work"),
    "quality: bell": Request("GET", "/notifications/menu/", "quality", 5, "the bell's poll"),
    # Finance: quality-dispute accounting.
    "finance: disputes": Request("GET", "/accounting/disputes/", "finance", 6, "dispute list"),
    "finance: dispute page": Request("GET", "/accounting/disputes/{pk}/", "finance", 4, "a dispute"),
    "finance: vouchers": Request("GET", "/accounting/vouchers/", "finance", 6, "voucher list"),
    "finance: voucher page": Request("GET", "/accounting/vouchers/{pk}/", "finance", 6, "a voucher"),
    "finance: exports": Request("GET", "/accounting/exports/", "finance", 2, "journal exports page"),
    "finance: export POST": Request(
        "POST", "/accounting/exports/", "finance", 1, "start a journal export (queued)"
    ),
    "finance: bell": Request("GET", "/notifications/menu/", "finance", 3, "the bell's poll"),
    # An ERP integration reading the API with a token (docs/api.md).
    "api: ticket list": Request(
        "GET", "/api/tickets/?state={state}&page={page}", "api", 10, "list, filtered, a page"
    ),
    "api: ticket detail": Request("GET", "/api/tickets/{number}/", "api", 10, "one ticket with its timeline"),
}


def requests_of(role: str) -> dict[str, Request]:
    return {name: r for name, r in MIX.items() if r.role == role}
