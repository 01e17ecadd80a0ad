"""The same day's mix against django-helpdesk 2.6.1, where its pages correspond to ours
(docs/load-test.md has the table). Run by benchmarks/load_test.py --helpdesk with our locust;
the data file comes from load_data.py, the sessions from the runner's sign-in.

No finance, customer picker, bell or objections: helpdesk has none. Its ticket list is a page
plus the JSON its datatable fetches (two requests, both counted, as a browser makes them);
"my work" is its dashboard (the tickets assigned to me, and the unassigned ones).
"""

import base64
import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between

DATA = json.loads(Path(os.environ["KST_LOAD_DATA"]).read_text(encoding="utf-8"))
WAIT = [float(x) for x in os.environ.get("KST_LOAD_WAIT", "0.5,2").split(",")]
MY_WORK = os.environ.get("HELPDESK_MY_WORK", "dashboard")
_next_account = itertools.count()


def ticket() -> int:
    return random.choice(DATA["tickets"])


def table(user: "Staff", name: str, page: str, query: str, start: int = 0) -> None:
    """A list view as the browser loads it: the page, then its datatable's JSON."""
    user.client.get(page, name=name)
    user.client.get(
        f"/datatables_ticket_list/{query}?draw=1&start={start}&length=25&order[0][column]=5&order[0][dir]=desc",
        name=f"{name} (table JSON)",
    )


def dashboard(user, name):
    if MY_WORK == "list":
        # The list of my open tickets instead (--helpdesk-my-work list): the dashboard also
        # counts every ticket.
        table(user, name, f"/tickets/?assigned_to={user.uid}", user.my_query)
    else:
        user.client.get("/dashboard/", name=name)


def ticket_page(user, name):
    user.client.get(f"/tickets/{ticket()}/", name=name)


def intake_form(user, name):
    user.client.get("/tickets/submit/", name=name)


def intake_post(user, name):
    with user.client.post(
        "/tickets/submit/",
        data={
            "queue": random.choice(DATA["queues"]),
            "title": "套管接箍渗漏",
            "body": "你们的套管螺纹又漏了,井队停工了! 下井第三根套管接箍处渗漏",
            "priority": random.choice([1, 2, 3, 4, 5]),
            "submitter_email": "wang@example.com",
            "assigned_to": "",
            "csrfmiddlewaretoken": user.csrf,
        },
        headers={"Referer": user.secure("/tickets/submit/")},
        name=name,
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"{response.status_code}: the form was not accepted")


def all_tickets(user, name):
    table(user, name, "/tickets/", DATA["queries"]["open"])


def by_state(user, name):
    state = random.randrange(4)
    table(
        user,
        name,
        f"/tickets/?status={state + 1}",
        DATA["queries"]["states"][state],
        25 * random.randrange(10),
    )


def search(user, name):
    i = random.randrange(len(DATA["search_words"]))
    table(user, name, f"/tickets/?q={DATA['search_words'][i]}", DATA["queries"]["search"][i])


def api_list(user, name):
    user.client.get(f"/api/tickets/?page={random.randint(1, 10)}", name=name)


def api_detail(user, name):
    user.client.get(f"/api/tickets/{ticket()}/", name=name)


def named(fn, name: str):
    def run(user):
        fn(user, name)

    run.__name__ = name
    return run


class Staff(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        accounts = DATA["accounts"]
        i = next(_next_account) % len(accounts)
        account = accounts[i]
        self.uid = DATA["staff"][i]
        mine = {
            "filtering": {"assigned_to__id__in": [self.uid], "status__in": [1, 2]},
            "filtering_null": {},
            "sorting": "created",
            "sortreverse": False,
            "search_string": "",
        }
        self.my_query = base64.b64encode(json.dumps(mine).encode()).decode("ascii")
        self.csrf = account["csrf"]
        self.client.headers.update({"X-Forwarded-Proto": "https", "Cookie": account["cookie"]})

    def secure(self, path: str) -> str:
        return "https" + self.host.removeprefix("http") + path


# The weights of benchmarks/load/mix.py, for the requests that have a counterpart.
class Sales(Staff):
    weight = 5
    tasks = {
        named(dashboard, "home"): 10,
        named(dashboard, "sales: my work"): 15,
        named(ticket_page, "sales: ticket page"): 15,
        named(intake_form, "sales: intake form"): 3,
        named(intake_post, "sales: intake POST"): 2,
    }


class Quality(Staff):
    weight = 3
    tasks = {
        named(all_tickets, "quality: all tickets"): 8,
        named(by_state, "quality: list by state"): 8,
        named(search, "quality: text search"): 6,
        named(ticket_page, "quality: ticket page"): 15,
        named(dashboard, "quality: my work"): 10,
    }


class ApiClient(Staff):
    weight = 1
    tasks = {named(api_list, "api: ticket list"): 10, named(api_detail, "api: ticket detail"): 10}
