"""People in production: one account from the command line, or a plant's staff from a CSV
file (manage.py createuser / import_users). Roles are the Django groups of accounts.roles.

A staff file is checked whole before anything is written: one bad row and nothing changes,
every problem is reported with its line. Importing the same file again updates people
instead of adding them. New people get no password; they set one through a link.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notify.params import Msg
from notify.services import absolute_url, notify

from .models import User
from .roles import Role

ROLE_SEPARATORS = ";；,，、|/"

# Header names accepted in a staff file (lower-cased), Chinese ones included.
COLUMNS = {
    "username": ("username", "user", "login", "用户名", "账号", "登录名"),
    "name": ("name", "full name", "full_name", "姓名", "名字"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件", "电子邮箱"),
    "roles": ("roles", "role", "角色", "岗位"),
    "active": ("active", "is_active", "启用", "在职", "有效", "状态"),
}
TRUE = {"", "1", "true", "yes", "y", "t", "是", "启用", "在职", "有效", "active"}
FALSE = {"0", "false", "no", "n", "f", "否", "停用", "离职", "无效", "inactive"}


def role_aliases() -> dict[str, str]:
    """Every way a role may be written: its slug, its English and its Chinese label."""
    aliases: dict[str, str] = {}
    for role in Role:
        aliases[role.value.lower()] = role.value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                aliases[str(role.label).lower()] = role.value
    return aliases


def parse_roles(text: str) -> tuple[list[str], list[str]]:
    """'qc; 业务员' -> (['qc', 'sales'], []); unknown names come back second."""
    for sep in ROLE_SEPARATORS:
        text = text.replace(sep, ";")
    aliases = role_aliases()
    roles, unknown = [], []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        role = aliases.get(part.lower())
        if role is None:
            unknown.append(part)
        elif role not in roles:
            roles.append(role)
    return roles, unknown


def _role_groups(roles: list[str]) -> list[Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=roles)}
    missing = [r for r in roles if r not in groups]
    if missing:  # the data migration core.0002_roles makes them; never invent a group here
        raise ValidationError(
            _("The role groups are missing (%(roles)s): run migrate first.") % {"roles": ", ".join(missing)}
        )
    return [groups[r] for r in roles]


def _set_roles(user: User, roles: list[str]) -> None:
    """Make the user's role groups exactly `roles`; other groups are left alone."""
    role_names = {r.value for r in Role}
    keep = [g for g in user.groups.all() if g.name not in role_names]
    user.groups.set(keep + _role_groups(roles))


def _check_email(email: str) -> str | None:
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid e-mail address.") % {"email": email}
    return None


def _check_username(username: str) -> str | None:
    if not username:
        return _("The user name is empty.")
    if len(username) > 150:
        return _("The user name is longer than 150 characters.")
    try:
        User.username_validator(username)
    except ValidationError:
        return _("“%(username)s” may contain only letters, digits and @ . + - _") % {"username": username}
    return None


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    roles: list[str],
    full_name: str = "",
    superuser: bool = False,
    password: str | None = None,
) -> User:
    """One account. Without a password it cannot sign in until one is set (set_password_link)."""
    errors = [e for e in (_check_username(username), _check_email(email)) if e]
    if User.objects.filter(username__iexact=username).exists():
        errors.append(_("A user named “%(username)s” already exists.") % {"username": username})
    if not roles and not superuser:
        errors.append(_("Give at least one role (--role), or --superuser."))
    if len(full_name) > 64:
        errors.append(_("The name is longer than 64 characters."))
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        is_staff=superuser,
        is_superuser=superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)  # raises ValidationError, in Chinese
        user.set_password(password)
    user.save()
    user.groups.set(_role_groups(roles))
    return user


@dataclass
class StaffRow:
    line: int
    username: str
    full_name: str
    email: str
    roles: list[str]
    is_active: bool


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    unchanged: list[User] = field(default_factory=list)


class StaffFileError(Exception):
    """The file cannot be imported; `errors` lists every problem, by line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 (Excel on Chinese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def staff_read_csv(text: str) -> list[StaffRow]:
    """Parse and check a staff file. Raises StaffFileError listing every bad row."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise StaffFileError([_("The file is empty.")]) from None
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().lower()
        for column, names in COLUMNS.items():
            if key in names and column not in index:
                index[column] = position
    missing = [c for c in ("username", "email", "roles") if c not in index]
    if missing:
        raise StaffFileError(
            [
                _("Line 1: the header lacks the column(s) %(columns)s (found: %(found)s).")
                % {"columns": ", ".join(missing), "found": ", ".join(header)}
            ]
        )

    rows: list[StaffRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines, e.g. at the end of an Excel export

        def cell(column: str, record=record) -> str:
            position = index.get(column)
            return record[position].strip() if position is not None and position < len(record) else ""

        problems = []
        username, email, name = cell("username"), cell("email"), cell("name")
        problems += [p for p in (_check_username(username), _check_email(email)) if p]
        if username.lower() in seen:
            problems.append(
                _("“%(username)s” is already on line %(line)s.")
                % {"username": username, "line": seen[username.lower()]}
            )
        if len(name) > 64:
            problems.append(_("The name is longer than 64 characters."))
        roles, unknown = parse_roles(cell("roles"))
        if unknown:
            problems.append(
                _("Unknown role(s) %(roles)s; the roles are: %(known)s.")
                % {"roles": "、".join(unknown), "known": ", ".join(r.value for r in Role)}
            )
        elif not roles:
            problems.append(_("No role given."))
        active = cell("active").lower()
        if active not in TRUE | FALSE:
            problems.append(_("Active must be yes or no, not “%(value)s”.") % {"value": cell("active")})
        if problems:
            errors.extend(_("Line %(line)s: %(problem)s") % {"line": line, "problem": p} for p in problems)
            continue
        seen[username.lower()] = line
        rows.append(StaffRow(line, username, name, email, roles, active in TRUE))
    if errors:
        raise StaffFileError(errors)
    if not rows:
        raise StaffFileError([_("The file has a header but no people.")])
    return rows


class _DryRun(Exception):
    pass


def staff_import(*, rows: list[StaffRow], dry_run: bool = False) -> ImportResult:
    """Create or update everyone in one transaction: all rows or none. Existing users
    (matched by user name, ignoring case) get the file's name, e-mail, roles and active
    flag; their password is never touched. New users get an unusable password."""
    result = ImportResult()
    try:
        with transaction.atomic():
            # Matched ignoring case: "WangXM" in the file is the existing "wangxm".
            existing = {u.username.lower(): u for u in User.objects.only("pk", "username")}
            role_names = {r.value for r in Role}
            for row in rows:
                user = existing.get(row.username.lower())
                if user is None:
                    user = User(username=row.username)
                    user.set_unusable_password()
                    created = True
                    before = None
                else:
                    user = User.objects.get(pk=user.pk)
                    created = False
                    before = (
                        user.full_name,
                        user.email,
                        user.is_active,
                        sorted(user.groups.filter(name__in=role_names).values_list("name", flat=True)),
                    )
                user.full_name, user.email, user.is_active = row.full_name, row.email, row.is_active
                after = (row.full_name, row.email, row.is_active, sorted(row.roles))
                if created or before != after:
                    user.save()
                    _set_roles(user, row.roles)
                    (result.created if created else result.updated).append(user)
                else:
                    result.unchanged.append(user)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def set_password_link(user: User) -> str:
    """An absolute link where the user chooses a password (valid PASSWORD_RESET_TIMEOUT,
    and only until a password is set)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("password-set", kwargs={"uidb64": uid, "token": token}))


def send_invites(*, users: list[User]) -> int:
    """E-mail each user their set-password link, through the outbox (after commit)."""
    days = max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1)
    sent = 0
    with transaction.atomic():
        for user in users:
            if not user.email or not user.is_active:
                continue
            link = set_password_link(user)
            notify(
                event_key=f"invite:{user.pk}:{link.rstrip('/').rsplit('/', 1)[-1]}",
                event="account.invite",
                recipients=[user],
                template="notify/email/message",
                context={
                    "title": Msg(gettext_noop("Your KeSuTong account")),
                    "text": _invite_text(user.username, days),
                },
                link=link,
            )
            sent += 1
    return sent


def _invite_text(username: str, days: int) -> Msg:
    """Worded in the reader's language whenever the message is shown or sent (notify.params)."""
    return Msg(
        gettext_noop(
            "An account has been made for you in KeSuTong. Your user name is %(username)s. "
            "Open the link below to choose your password; it works for %(days)s day(s)."
        ),
        {"username": username, "days": days},
    )
