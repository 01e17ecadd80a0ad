"""The load test's mix (benchmarks/load/mix.py) cannot rot as the URLs change: every request
it makes resolves and answers 200 to a person of the role that makes it, and the locustfile
requests nothing outside the mix. No load is generated here.

The locustfile is read, not imported: importing locust patches the standard library with gevent.
"""

import ast
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from accounting import services as accounting
from accounts.roles import Role
from benchmarks.load.mix import ACCOUNT_ROLES, MIX, ROLE_WEIGHTS
from tests.accounting.factories import make_dispute
from tests.factories import UserFactory
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.django_db

LOCUSTFILE = Path(__file__).resolve().parents[2] / "benchmarks/load/locustfile.py"


@pytest.fixture
def sample():
    """One of each thing the mix asks for by number or id."""
    ticket = TicketFactory()
    finance = UserFactory(roles=[Role.FINANCE])
    dispute = make_dispute(finance)
    voucher = accounting.dispute_generate_vouchers(dispute=dispute, by=finance)[0]
    return {"number": ticket.number, "dispute": dispute.pk, "voucher": voucher.pk}


def filled(path: str, sample: dict) -> str:
    """As the locustfile fills a path in (fill()), with this test's records."""
    pk = sample["voucher"] if "voucher" in path else sample["dispute"]
    return path.format(number=sample["number"], pk=pk, q="套管", page=1, state="received")


def test_every_role_of_the_mix_has_accounts_and_requests():
    assert set(ROLE_WEIGHTS) == set(ACCOUNT_ROLES) == {r.role for r in MIX.values()}
    for account_roles in ACCOUNT_ROLES.values():
        assert {str(r) for r in account_roles} <= {r.value for r in Role}


@pytest.mark.parametrize("name", sorted(MIX))
def test_each_request_of_the_mix_answers_its_role(name, client, sample):
    request = MIX[name]
    path = filled(request.path, sample)
    resolve(urlsplit(path).path)  # Resolver404 if the URL is gone
    for account_role in ACCOUNT_ROLES[request.role]:
        client.force_login(UserFactory(roles=[account_role]))
        # A POST's form page: the locustfile posts the same fields the form shows.
        response = client.get(path)
        status = response.status_code
        assert status == 200, f"{name}: {path} answered {status} to {account_role}"


def _locustfile() -> ast.Module:
    return ast.parse(LOCUSTFILE.read_text(encoding="utf-8"))


def test_the_locustfile_requests_nothing_outside_the_mix():
    """Paths are written in mix.py only; the locustfile's own is the sign-in page (used when
    the runner gave it no sessions)."""
    paths = {
        node.value
        for node in ast.walk(_locustfile())
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/")
    }
    assert paths == {"/login/"}
    resolve("/login/")


def test_each_post_of_the_mix_has_its_form_filler_in_the_locustfile():
    """ "sales: intake POST" is sent by post_intake() of the class whose role is "sales"."""
    methods = {}
    for node in ast.walk(_locustfile()):
        if isinstance(node, ast.ClassDef):
            role = next(
                (
                    s.value.value
                    for s in node.body
                    if isinstance(s, ast.Assign) and getattr(s.targets[0], "id", "") == "role"
                ),
                None,
            )
            methods[role] = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
    for name, request in MIX.items():
        if request.method == "POST":
            word = name.split(": ")[1].split()[0]
            assert f"post_{word}" in methods.get(request.role, set()), name
