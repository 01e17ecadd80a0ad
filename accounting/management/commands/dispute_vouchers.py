"""Preview the vouchers of one dispute: `manage.py dispute_vouchers FILE` (or `-` for stdin).

Prints {"vouchers": [{"lines": [...]}]} and saves nothing. Bad input: prints
the error body {"code", "detail", "errors"} and exits with status 2.
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from accounting.preview import dumps, preview_text
from accounting.rules import DisputeInputError


class Command(BaseCommand):
    help = "Print the vouchers one quality dispute (JSON object in FILE, or - for stdin) would book."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file, or - for standard input")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)  # reasons are shown in Chinese
        path = options["file"]
        try:
            if path == "-":
                text = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    text = fh.read()
        except OSError as exc:
            result, ok = DisputeInputError(f"{exc.strerror}: {path}").as_dict(), False
        else:
            result, ok = preview_text(text)
        text = dumps(result)
        encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
        if encoding and encoding != "utf8":  # e.g. a Windows console: escape, still the same JSON
            text = json.dumps(result)
        self.stdout.write(text)
        if not ok:
            self.stdout.flush()
            sys.exit(2)
