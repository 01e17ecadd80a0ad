"""Splitting core into accounts, masterdata, promises, notify and ui (and CAPA/installations
out of tickets) moved code, not data: a database migrated by the code before the split keeps
every table, row, content type and recorded migration (docs/architecture.md)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from masterdata.models import Customer
from notify.models import Notification
from promises.models import Commitment
from tests.factories import UserFactory
from tickets.models import CapaCheck, Installation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The tables as the code before the split named them.
TABLES_BEFORE_THE_SPLIT = {
    "core_user",
    "core_customer",
    "core_contact",
    "core_site",
    "core_supplier",
    "core_product",
    "core_shipment",
    "core_materialbatch",
    "core_commitment",
    "core_notification",
    "core_historicalcustomer",
    "tickets_capacheck",
    "tickets_installation",
    "tickets_installationissue",
}
MOVED_APPS = ("accounts", "masterdata", "promises", "notify", "ui", "capa", "installations")


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_the_moved_models_keep_their_tables_labels_and_permissions():
    assert _tables() >= TABLES_BEFORE_THE_SPLIT
    for model in (Customer, Commitment, Notification, CapaCheck, Installation):
        assert model._meta.db_table in TABLES_BEFORE_THE_SPLIT
    assert {Customer._meta.app_label, Commitment._meta.app_label, Notification._meta.app_label} == {"core"}
    assert apps.get_app_config("core").name == "accounts"
    # Groups hold permissions by codename and content type: they must still be "core" ones.
    ct = ContentType.objects.get_for_model(Customer)
    assert (ct.app_label, ct.model) == ("core", "customer")
    assert Permission.objects.filter(content_type=ct, codename="change_customer").exists()
    assert not ContentType.objects.filter(app_label__in=MOVED_APPS).exists()


def test_a_database_from_before_the_split_migrates_without_touching_tables_or_rows():
    owner = UserFactory(username="owner")
    customer = Customer.objects.create(code="C-OLD", name="老客户")
    promise = Commitment.objects.create(
        owner=owner,
        created_by=owner,
        description="回电",
        due_at=timezone.now() + datetime.timedelta(days=1),
        customer=customer,
    )
    row = Notification.objects.create(key="old:1", event="x", recipient=owner, subject="s", body="b")
    tables = _tables()

    # Every migration the old code recorded (under the label "core") is the one the new code
    # expects: nothing is left to apply, so nothing renames or drops a table.
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    recorded = {app for app, _name in MigrationRecorder(connection).applied_migrations()}
    assert "core" in recorded and not recorded & set(MOVED_APPS)

    # Back to a state the old code knew, then forward with the new code's graph.
    executor.migrate([("core", "0005_general_manager_role")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert _tables() == tables
    assert Customer.objects.get(pk=customer.pk).name == "老客户"
    assert Commitment.objects.get(pk=promise.pk).description == "回电"
    assert Notification.objects.get(pk=row.pk).recipient == owner
