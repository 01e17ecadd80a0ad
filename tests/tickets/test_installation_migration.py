"""Migration 0014: issues recorded before an issue had a source become quality issues (they
blocked the sign-off, as a quality issue still does), and earlier installations get the
timeline entries their stamps allow, dated when they happened."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = ("tickets", "0013_event_text_code")
AFTER = ("tickets", "0014_installation_source_conference_timeline")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_old_issues_become_quality_issues_and_old_installations_get_a_timeline():
    lead, pm = UserFactory(username="lead0"), UserFactory(username="pm0")
    customer = CustomerFactory()
    try:
        old = _migrate(BEFORE)
        Installation = old.get_model("tickets", "Installation")
        Issue = old.get_model("tickets", "InstallationIssue")
        then = timezone.now() - datetime.timedelta(days=30)
        inst = Installation.objects.create(customer_id=customer.pk, title="旧安装", created_by_id=lead.pk)
        signed = then + datetime.timedelta(days=2)
        Installation.objects.filter(pk=inst.pk).update(
            created_at=then, pm_signed_by_id=pm.pk, pm_signed_at=signed
        )
        issue = Issue.objects.create(
            installation=inst,
            description="旧问题",
            handling="conference",
            conference_participants="张工",
            conference_at=then,
            created_by_id=lead.pk,
        )
        Issue.objects.filter(pk=issue.pk).update(created_at=then + datetime.timedelta(days=1))

        new = _migrate(AFTER)
        issue = new.get_model("tickets", "InstallationIssue").objects.get(pk=issue.pk)
        assert issue.source == "quality" and issue.conference_decision == ""
        assert issue.conference_participants == "张工"
        events = new.get_model("tickets", "InstallationEvent").objects.filter(installation_id=inst.pk)
        assert [(e.kind, e.actor_id) for e in events.order_by("created_at", "id")] == [
            ("created", lead.pk),
            ("issue", lead.pk),
            ("signed_pm", pm.pk),
        ]
        assert events.get(kind="signed_pm").created_at == signed
    finally:
        _migrate(("tickets", MigrationExecutor(connection).loader.graph.leaf_nodes("tickets")[0][1]))
