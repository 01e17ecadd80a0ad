import datetime
import importlib
from decimal import Decimal

from django.db import connection

from accounting import services
from accounting.models import ExportJob, QualityDispute, Voucher, VoucherLine
from accounts.roles import Role
from tests.factories import ShipmentFactory, UserFactory
from tests.tickets.factories import TicketFactory


def finance_pair():
    """A preparer and a reviewer: finance never reviews its own voucher."""
    return UserFactory(roles=[Role.FINANCE]), UserFactory(roles=[Role.FINANCE])


def make_dispute(by, **fields) -> QualityDispute:
    defaults = {
        "node": "litigation",
        "outcome": "litigation_costs",
        "costs": Decimal("15800.00"),
        "booking_date": datetime.date(2026, 11, 20),
    }
    defaults.update(fields)
    booking_date = defaults.pop("booking_date")
    return services.dispute_create(by=by, booking_date=booking_date, **defaults)


def posted_vouchers(dispute, preparer, reviewer):
    posted = []
    for v in services.dispute_generate_vouchers(dispute=dispute, by=preparer):
        services.voucher_review(voucher=v, by=reviewer)
        posted.append(services.voucher_post(voucher=v, by=reviewer))
    return posted


def purge_books() -> None:
    """Delete all vouchers, posted ones included, for a test's teardown.

    SQLite flushes with DELETE, which the immutability triggers refuse for posted vouchers;
    so drop the triggers, delete, and put them back. (PostgreSQL flushes with TRUNCATE.)
    """
    migration = importlib.import_module("accounting.migrations.0003_immutable_posted_vouchers")
    with connection.schema_editor() as editor:
        migration.remove(None, editor)
    try:
        ExportJob.objects.all().delete()
        VoucherLine.objects.all().delete()
        Voucher.objects.filter(reverses__isnull=False).delete()
        Voucher.objects.all().delete()
    finally:
        with connection.schema_editor() as editor:
            migration.install(None, editor)


def make_ticket(*, shipment=None, by=None, **overrides):
    """A complaint ticket logged through the tickets service, as sales would on the phone."""
    return TicketFactory(
        shipment=shipment or ShipmentFactory(quantity=Decimal("120")),
        by=by or UserFactory(roles=[Role.SALES]),
        **{
            "quantity": Decimal("5"),
            "remedy": "return",
            "paraphrase": "您是说五根套管接箍渗漏,要求退货,对吗?",
            "options_offered": "上门检修;退货",
            "option_chosen": "退货",
            **overrides,
        },
    )
