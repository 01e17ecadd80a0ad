"""The tickets tests' people, shipment and workflow walk, and a customer's form link."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal import services
from tests.tickets import conftest as tickets_conftest

# The tickets tests' fixtures, shared by name.
people = tickets_conftest.people
shipment = tickets_conftest.shipment
new_ticket = tickets_conftest.new_ticket
walk = tickets_conftest.walk


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(people, shipment):
    return services.customer_link_issue(customer=shipment.customer, by=people.sales)


def png(name: str = "leak.png", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def form_data(token, **overrides) -> dict:
    data = {
        "form_token": str(token),
        "website": "",
        "contact_name": "王工",
        "contact_phone": "138 0000 0000",
        "what_happened": "第三根套管接箍处渗漏,井队停工",
        "product_text": "P110 套管 139.7mm",
        "quantity": "3",
        "site": "长庆油田 井场 12 号",
        "urgency": "stopped",
        "remedy": "exchange",
    }
    data.update(overrides)
    return data
