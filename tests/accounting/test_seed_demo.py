import pytest
from django.core.management import call_command

from accounting.models import QualityDispute, Voucher

pytestmark = pytest.mark.django_db


def test_demo_disputes_come_with_draft_vouchers_and_twice_is_harmless(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_accounting_demo")
    call_command("seed_accounting_demo")
    assert QualityDispute.objects.count() == 3
    assert Voucher.objects.filter(state="draft").count() == 2 + 4 + 1
