"""Write docs/voucher-rules.md from the rules table (`--check`: fail if it is out of date)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounting.rules_doc import render

TARGET = Path(settings.BASE_DIR) / "docs" / "voucher-rules.md"


class Command(BaseCommand):
    help = "Write docs/voucher-rules.md from accounting.rules.RULES."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only check the file is current")

    def handle(self, *args, check=False, **options):
        text = render()
        if check:
            if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
                raise CommandError("docs/voucher-rules.md is out of date: run manage.py voucher_rules_doc")
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {TARGET.relative_to(settings.BASE_DIR)}")
