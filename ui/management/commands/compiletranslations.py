"""Compile every .po file into .mo with polib, so no GNU gettext install is needed.

Django's own `compilemessages` needs the `msgfmt` program, which a fresh machine with
only Python lacks; this does the same for our locale folders.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (pure Python)."

    def handle(self, *args, **options):
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [p / "locale" for p in Path(settings.BASE_DIR).iterdir() if (p / "locale").is_dir()]
        count = 0
        for root in dict.fromkeys(roots):
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
