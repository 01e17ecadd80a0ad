"""Free text has one length limit (security.limits.TEXT_MAX): every input field that takes
text says how long it may be, and an over-long text is refused in Chinese, saving nothing."""

import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from objections.models import Objection
from security.limits import TEXT_MAX
from tests.objections.factories import ObjectionFactory
from tests.tickets.conftest import new_ticket, people, shipment  # noqa: F401  (fixtures)
from tests.tickets.test_pages import post_data
from tickets.models import Ticket

FORM_MODULES = [
    "promises.forms",
    "tickets.forms",
    "capa.forms",
    "objections.forms",
    "accounting.forms",
    "notify.forms",
]
TOO_LONG = "漏" * (TEXT_MAX + 1)
# Strings that are looked up, never stored: a slug or number naming a record, sign-in credentials
# (django-axes records at most 150 characters of a username).
LOOKUPS = {"type", "ticket", "username", "password"}


def _classes(modules, base):
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__:
                yield cls


def test_every_text_input_of_a_form_is_bounded():
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _classes(FORM_MODULES, forms.BaseForm)
        for name, field in cls.base_fields.items()
        if type(field) is forms.CharField and not field.max_length
    ]
    assert not unbounded, unbounded


@pytest.mark.django_db
def test_every_text_input_of_the_api_is_bounded(people):  # noqa: F811
    """Read from the API's own contract: every string a request body takes has a maxLength."""
    api = APIClient()
    api.force_authenticate(people.qc)
    schema = api.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    unbounded = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                component = components.get(ref.rsplit("/", 1)[-1], {})
                for name, prop in component.get("properties", {}).items():
                    free_text = prop.get("type") == "string" and not {"enum", "format", "$ref"} & set(prop)
                    stored = name not in LOOKUPS and not prop.get("readOnly")
                    if free_text and stored and "maxLength" not in prop:
                        unbounded.append(f"{method.upper()} {path}: {name}")
    assert not unbounded, sorted(set(unbounded))


@pytest.mark.django_db
def test_an_over_long_complaint_is_refused_on_the_page(client, people, shipment):  # noqa: F811
    client.force_login(people.sales)
    response = client.post(reverse("tickets:intake"), post_data(shipment, description=TOO_LONG))
    assert response.status_code == 200
    assert f"不超过 {TEXT_MAX} 字符" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_over_long_note_is_refused_by_the_api(people, new_ticket):  # noqa: F811
    ticket = new_ticket()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=people.sales)[0].key}")
    response = api.post(reverse("api-tickets-notes", args=[ticket.number]), {"text": TOO_LONG}, format="json")
    assert response.status_code == 400 and "text" in response.json()["errors"]
    assert not ticket.events.filter(kind="note").exists()


@pytest.mark.django_db
def test_an_over_long_objection_is_refused():
    objection = ObjectionFactory()
    api = APIClient()
    api.force_authenticate(objection.owner)
    response = api.patch(f"/api/objections/{objection.pk}/", {"response": TOO_LONG}, format="json")
    assert response.status_code == 400 and "response" in response.json()["errors"]
    assert Objection.objects.get().response == objection.response
