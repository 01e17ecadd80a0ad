"""docs/workflow.md is the workflow table rendered: it cannot describe another workflow."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tickets.management.commands import workflow_doc
from tickets.workflow import TRANSITIONS
from tickets.workflow_doc import render


def test_the_committed_workflow_doc_is_the_table_rendered():
    assert workflow_doc.DOC.read_text(encoding="utf-8") == render(), (
        "docs/workflow.md is out of date: run `manage.py workflow_doc` and commit it"
    )


def test_every_action_and_its_waiting_people_are_in_the_doc():
    text = render()
    with translation.override("en"):
        for t in TRANSITIONS.values():
            assert f"| `{t.name}` {t.label}" in text
    assert "| `confirming` | QC, while both managers have signed | `archive`" in text


def test_the_check_fails_on_a_stale_doc(tmp_path, monkeypatch):
    stale = tmp_path / "workflow.md"
    stale.write_text("# an older workflow\n", encoding="utf-8")
    monkeypatch.setattr(workflow_doc, "DOC", stale)
    with pytest.raises(CommandError):
        call_command("workflow_doc", "--check")
    call_command("workflow_doc")
    call_command("workflow_doc", "--check")
    assert stale.read_text(encoding="utf-8") == render()
