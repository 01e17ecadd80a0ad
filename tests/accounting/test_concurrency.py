"""Two (or eight) clerks posting at once get distinct, gapless numbers (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from accounting import services
from accounting.models import Voucher

from .factories import finance_pair, make_dispute

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(target, items):
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def run(item):
        try:
            barrier.wait()
            target(item)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_concurrent_posting_gives_distinct_gapless_numbers():
    preparer, reviewer = finance_pair()
    vouchers = []
    for _ in range(8):
        v = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
        vouchers.append(services.voucher_review(voucher=v, by=reviewer))
    errors = _run_in_threads(lambda v: services.voucher_post(voucher=v, by=reviewer), vouchers)
    assert not errors
    numbers = sorted(Voucher.objects.filter(state="posted").values_list("number", flat=True))
    assert numbers == list(range(1, 9))


def test_concurrent_generation_of_one_dispute_books_once():
    preparer, _ = finance_pair()
    dispute = make_dispute(preparer)
    errors = _run_in_threads(
        lambda _i: services.dispute_generate_vouchers(dispute=dispute, by=preparer), range(4)
    )
    assert not errors
    assert Voucher.objects.filter(dispute=dispute).count() == 1
