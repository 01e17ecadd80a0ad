import pytest
from django.core.management import call_command

from objections.models import Objection, QuietContact

pytestmark = pytest.mark.django_db


def test_demo_objections_load_once_and_fill_the_playbook(settings):
    settings.DEBUG = True  # seed_demo refuses to create its demo accounts otherwise
    call_command("seed_demo")
    call_command("seed_objections_demo")
    call_command("seed_objections_demo")
    assert Objection.objects.count() == 60
    assert Objection.objects.exclude(outcome="pending").exists()
    lost = Objection.objects.filter(outcome="lost")
    assert lost.exists() and not lost.filter(lesson="").exists()
    assert QuietContact.objects.count() == 10 and QuietContact.objects.filter(outcome="won").exists()
