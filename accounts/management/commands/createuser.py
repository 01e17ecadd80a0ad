"""manage.py createuser USERNAME --role qc --role sales --email ... [--name ...] [--superuser]"""

import getpass
import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.staff import parse_roles, user_create


class Command(BaseCommand):
    help = "Create one user with roles. The password is asked for, read from standard input or generated."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="full name, e.g. 王晓明")
        parser.add_argument(
            "--role", action="append", default=[], help="a role (qc, sales, 生产质检…); repeat for several"
        )
        parser.add_argument("--superuser", action="store_true", help="staff and superuser (Django admin)")
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        how.add_argument(
            "--generate-password", action="store_true", help="make a random password and print it once"
        )

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            self._handle(options)

    def _handle(self, options):
        roles, unknown = parse_roles(";".join(options["role"]))
        if unknown:
            raise CommandError(_("Unknown role(s) %(roles)s.") % {"roles": "、".join(unknown)})
        generated = False
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif options["generate_password"]:
            password, generated = secrets.token_urlsafe(12), True
        elif sys.stdin.isatty():
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (again): ")):
                raise CommandError(_("The two passwords differ."))
        else:
            raise CommandError(
                _("No terminal to ask the password: use --password-stdin or --generate-password.")
            )
        if not password:
            raise CommandError(_("The password is empty."))
        try:
            user = user_create(
                username=options["username"],
                email=options["email"],
                roles=roles,
                full_name=options["name"],
                superuser=options["superuser"],
                password=password,
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            _("Created %(username)s (%(roles)s).")
            % {
                "username": user.username,
                "roles": ", ".join(roles + (["superuser"] if user.is_superuser else [])),
            }
        )
        if generated:
            self.stdout.write(_("Password (shown once): %(password)s") % {"password": password})
