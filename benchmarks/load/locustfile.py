"""Locust mix for 客诉通 (benchmarks/load_test.py runs it; docs/load-test.md).

    KST_LOAD_DATA=/tmp/.../data.json locust -f benchmarks/load/locustfile.py --headless \\
        -u 25 -r 25 --run-time 60s --host http://127.0.0.1:8600

Every request comes from benchmarks/load/mix.py (name, path, role, weight). The data file,
written by the runner, names ticket numbers, dispute and voucher ids, search words, and the
signed-in sessions and API tokens to use: the runner signs each account in once through the
sign-in page, so the measured steps do not spend the server's CPU on password hashing (nor
meet django-axes). Without sessions in the file each simulated person signs in itself.

The site runs with the production settings behind a (simulated) TLS proxy: every request
says X-Forwarded-Proto: https, as nginx does (BEHIND_PROXY=true). Cookies are Secure there,
so they are sent as a fixed Cookie header rather than through the client's cookie jar.
"""

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between

from benchmarks.load.mix import ACCOUNT_ROLES, MIX, ROLE_WEIGHTS, Request, requests_of

DATA = json.loads(Path(os.environ["KST_LOAD_DATA"]).read_text(encoding="utf-8"))
WAIT = [float(x) for x in os.environ.get("KST_LOAD_WAIT", "0.5,2").split(",")]
PROXY = {"X-Forwarded-Proto": "https"}
_next_account = {role: itertools.count() for role in ACCOUNT_ROLES}


def fill(r: Request) -> str:
    return r.path.format(
        number=random.choice(DATA["tickets"]),
        pk=random.choice(DATA["vouchers"] if "voucher" in r.path else DATA["disputes"] or [0]),
        q=random.choice(DATA["search_words"]),
        page=random.randint(1, 10),
        state=random.choice(DATA["states"]),
    )


def make_task(name: str, r: Request):
    """One request of the mix as a locust task; a POST calls the class's post_<word> method
    ("sales: intake POST" -> post_intake), which fills in the form."""

    def run(user: "Person") -> None:
        if r.method == "POST":
            getattr(user, "post_" + name.split(": ")[1].split()[0])(name, r)
        else:
            user.client.get(fill(r), name=name)

    run.__name__ = name
    return run


def role_tasks(role: str) -> dict:
    return {make_task(name, r): r.weight for name, r in requests_of(role).items()}


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        accounts = DATA["accounts"][self.role]
        account = accounts[next(_next_account[self.role]) % len(accounts)]
        self.csrf = account.get("csrf", "")
        if account.get("cookie"):
            self.client.headers.update({**PROXY, "Cookie": account["cookie"]})
        else:
            self.sign_in(account["username"], DATA["password"])

    def sign_in(self, username: str, password: str) -> None:
        """The sign-in page as a browser uses it: GET for the CSRF cookie, POST the form."""
        self.client.headers.update(PROXY)
        page = self.client.get("/login/", name="sign in (GET)")
        csrf = page.cookies.get("csrftoken", "")
        login = self.client.post(
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Cookie": f"csrftoken={csrf}", "Referer": self.secure("/login/")},
            allow_redirects=False,
            name="sign in (POST)",
        )
        self.csrf = login.cookies.get("csrftoken", csrf)
        session = login.cookies.get("sessionid", "")
        self.client.headers["Cookie"] = f"sessionid={session}; csrftoken={self.csrf}"

    def secure(self, path: str) -> str:
        """The page's address as the browser saw it through the proxy (CSRF checks the Referer
        of a request over https)."""
        return "https" + self.host.removeprefix("http") + path

    def post(self, name: str, path: str, data: dict) -> None:
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": self.csrf},
            headers={"Referer": self.secure(path)},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Success is a redirect (to the new ticket, back to the exports); a 200 is the form
            # coming back with errors.
            if response.status_code != 302:
                response.failure(f"{response.status_code}: the form was not accepted")


class Sales(Person):
    role = "sales"
    weight = ROLE_WEIGHTS["sales"]
    tasks = role_tasks("sales")

    def post_intake(self, name: str, r: Request) -> None:
        self.post(
            name,
            r.path,
            {
                "customer": random.choice(DATA["customers"]),
                "channel": "phone",
                "caller_name": "王工",
                "caller_phone": "13800000000",
                "customer_words": "你们的套管螺纹又漏了,井队停工了!",
                "description": "下井第三根套管接箍处渗漏",
                "product": random.choice(DATA["products"]),
                "lot_number": f"LT-{random.randint(1, 9999):04d}",
                "quantity": "3",
                "site": "长庆油田 井场 12 号",
                "remedy": random.choice(["exchange", "repair", "return"]),
                "paraphrase": "您是说三根套管接箍渗漏,对吗?",
                "customer_confirmed": "on",
                "emotion": "angry",
                "severity": random.choice(["low", "medium", "high"]),
                "intake_token": str(uuid.uuid4()),
            },
        )


class Quality(Person):
    role = "quality"
    weight = ROLE_WEIGHTS["quality"]
    tasks = role_tasks("quality")


class Finance(Person):
    role = "finance"
    weight = ROLE_WEIGHTS["finance"]
    tasks = role_tasks("finance")

    def post_export(self, name: str, r: Request) -> None:
        self.post(name, r.path, {"layout": "generic", "file_format": "csv", "include_reviewed": "on"})


class ApiClient(Person):
    role = "api"
    weight = ROLE_WEIGHTS["api"]
    tasks = role_tasks("api")

    def on_start(self) -> None:
        tokens = DATA["tokens"]
        token = tokens[next(_next_account[self.role]) % len(tokens)]
        self.client.headers.update({**PROXY, "Authorization": f"Token {token}"})


# The runner's self-check: the mix's names are what the classes run.
assert {r.role for r in MIX.values()} == set(ROLE_WEIGHTS)
