"""manage.py import_users staff.csv [--dry-run] [--send-invites | --print-links]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.staff import (
    StaffFileError,
    decode,
    send_invites,
    set_password_link,
    staff_import,
    staff_read_csv,
)


class Command(BaseCommand):
    help = (
        "Create or update a plant's staff from a CSV file (username,name,email,roles,active). "
        "All rows or none; importing again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file (UTF-8 or GB18030), or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
        links = parser.add_mutually_exclusive_group()
        links.add_argument(
            "--send-invites",
            action="store_true",
            help="e-mail a set-password link to each person without one",
        )
        links.add_argument(
            "--print-links",
            action="store_true",
            help="print a set-password link for each",
        )

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            self._handle(options)

    def _handle(self, options):
        import sys

        path = options["path"]
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            rows = staff_read_csv(decode(data))
            result = staff_import(rows=rows, dry_run=options["dry_run"])
        except StaffFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: %(count)s problem(s) in %(path)s.")
                % {"count": len(exc.errors), "path": path}
            ) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc

        counts = {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        }
        if options["dry_run"]:
            message = _(
                "Dry run, nothing saved: would create %(created)s, update %(updated)s, leave %(unchanged)s."
            )
            self.stdout.write(message % counts)
            for user in result.created:
                self.stdout.write(_("  new: %(username)s") % {"username": user.username})
            for user in result.updated:
                self.stdout.write(_("  updated: %(username)s") % {"username": user.username})
            return
        self.stdout.write(
            _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts
        )
        from accounts.models import User

        names = [row.username for row in rows]
        waiting = [
            u for u in User.objects.filter(username__in=names, is_active=True) if not u.has_usable_password()
        ]
        if options["send_invites"]:
            sent = send_invites(users=waiting)
            self.stdout.write(_("Invitations queued: %(count)s.") % {"count": sent})
        elif options["print_links"]:
            for user in waiting:
                self.stdout.write(f"{user.username}\t{set_password_link(user)}")
        elif waiting:
            self.stdout.write(
                _(
                    "%(count)s person(s) have no password yet: run again with --send-invites to e-mail them "
                    "a link, or --print-links to hand the links out yourself."
                )
                % {"count": len(waiting)}
            )
