"""Write docs/workflow.md from the workflow table (or, with --check, fail if it differs)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tickets.workflow_doc import render

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"


class Command(BaseCommand):
    help = "Write docs/workflow.md from tickets/workflow.py."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only fail if the file is out of date.")

    def handle(self, *args, check: bool = False, **options):
        text = render()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC} is out of date: run manage.py workflow_doc")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}")
