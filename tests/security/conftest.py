"""A small but complete world for the hostile-input tests: the demo users and master data,
one of everything a page can show (ticket at each interesting step, CAPA check,
installation with an issue, purchase request, objection, prospect, promise, notification,
dispute with vouchers, period, export), so every page URL has a real object to open."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounting import services as books
from accounting.models import ExportJob, Period, QualityDispute, Voucher
from accounts.models import User
from installations import services as commissioning
from masterdata.models import Customer, Shipment
from notify.models import Notification
from objections.models import Objection, Prospect
from promises import services as promise_services
from tests.tickets.factories import Crew, TicketFactory
from tickets import services
from tickets.models import CapaCheck, State

HOSTILE_VALUES = ["\x00", "²", "abc", "x" * 10_000, "-1", "99999999999999999999"]


def build_world(settings) -> SimpleNamespace:
    settings.DEBUG = True  # the demo seeds refuse to run with DEBUG off
    call_command("seed_demo", verbosity=0)
    call_command("seed_accounting_demo", verbosity=0)
    call_command("seed_objections_demo", verbosity=0)
    settings.DEBUG = False
    people = {u.username: u for u in User.objects.all()}
    shipment = Shipment.objects.select_related("customer").order_by("pk").first()

    crew = Crew(
        sales=people["sales"],
        pm=people["project"],
        prod=people["production"],
        lead=people["service"],
        qc=people["qc"],
    )
    fresh = TicketFactory(shipment=shipment, people=crew)
    archived = TicketFactory(shipment=shipment, people=crew, state=State.ARCHIVED)
    assigned = TicketFactory(shipment=shipment, people=crew, state=State.ASSIGNED)
    purchase = services.purchase_request_add(ticket=assigned, by=people["service"], item="接箍", quantity=3)
    installation = commissioning.installation_create(
        by=people["project"], customer=shipment.customer, title="井口安装", ticket=fresh, shipment=shipment
    )
    issue = commissioning.installation_issue_add(
        installation=installation,
        by=people["service"],
        description="法兰渗漏",
        source="quality",
        handling="on_site",
        resolution="更换垫片",
    )
    promise = promise_services.commitment_create(
        owner=people["sales"],
        by=people["sales"],
        description="明天回电",
        due_at=timezone.now() + datetime.timedelta(days=1),
        customer=shipment.customer,
    )
    prospect = Prospect.objects.create(name="潜在客户", phone="13900000000", created_by=people["sales"])
    books.export_request(by=people["finance"], layout="generic", file_format="csv")
    return SimpleNamespace(
        people=people,
        customer=shipment.customer,
        shipment=shipment,
        tickets=SimpleNamespace(fresh=fresh, archived=archived, assigned=assigned),
        capa=CapaCheck.objects.order_by("pk").first(),
        installation=installation,
        issue=issue,
        purchase=purchase,
        promise=promise,
        prospect=prospect,
        notifications=Notification.objects.order_by("pk"),
        objection=Objection.objects.order_by("pk").first(),
        dispute=QualityDispute.objects.order_by("pk").first(),
        voucher=Voucher.objects.order_by("pk").first(),
        period=Period.objects.order_by("pk").first(),
        export=ExportJob.objects.order_by("pk").first(),
        customers=Customer.objects.order_by("pk"),
        amount=Decimal("1"),
    )


@pytest.fixture
def world(transactional_db, settings):
    return build_world(settings)
