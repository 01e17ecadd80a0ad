"""Installation & commissioning (procedure §3-5.3, docs/tickets.md): the write actions (reads:
installations.selectors).

Each issue found while installing says where it came from (a quality failure, a need the
design did not meet, or the customer's improvement request) and is fixed on site, or raised
by phone conference (who took part, when, what was decided) and fixed later. When no quality
or design issue is open, the project manager and the production manager sign the
rectification record (either order); then QC verifies it. Improvement requests do not block
the signatures: still open after them, QC tracks and closes them. Every step writes a line
of the installation's timeline; every refusal says why in Chinese and changes nothing.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from accounts.roles import Role
from accounts.selectors import users_with_roles
from masterdata.models import Customer, Shipment
from notify.services import notify
from tickets.errors import MissingData, NotAllowed, WrongState
from tickets.models import Installation, InstallationEvent, InstallationIssue, Ticket
from tickets.predicates import installation_capacities
from ui.timezones import now_label

S = Installation.Status
H = InstallationIssue.Handling
SRC = InstallationIssue.Source
K = InstallationEvent.Kind


def _need(by: User, action: str) -> None:
    if not can(by, action):
        raise NotAllowed(_("Your role may not do this."))


def _missing(field: str, message: str) -> MissingData:
    return MissingData(message, errors={field: [message]})


def _locked(installation: Installation) -> Installation:
    return Installation.objects.select_for_update().get(pk=installation.pk)


def _record(
    installation: Installation, kind: str, by: User, text: str = "", issue: InstallationIssue | None = None
) -> InstallationEvent:
    """Append a line to the installation's timeline (in the caller's transaction)."""
    return InstallationEvent.objects.create(
        installation=installation, kind=kind, actor=by, text=text, issue=issue
    )


def _blocking(installation: Installation):
    """The open issues that stop the rectification record being signed: all but improvements."""
    return installation.issues.filter(fixed_at__isnull=True).exclude(source=SRC.IMPROVEMENT)


def _announce(installation: Installation, what: str, key: str, roles: tuple, by: User) -> None:
    """Tell the next people (procedure §3-5.3: the managers sign, then QC keeps and verifies),
    through the outbox: sent after commit, once per `key`."""
    notify(
        event_key=f"installation:{installation.pk}:{key}",
        event=f"installation.{what}",
        recipients=users_with_roles(*roles).exclude(pk=by.pk),
        template=f"tickets/email/installation_{what}",
        context={"installation": installation, "actor": by},
        link=installation.get_absolute_url(),
    )


def installation_create(
    *,
    by: User,
    customer: Customer,
    title: str,
    site: str = "",
    ticket: Ticket | None = None,
    shipment: Shipment | None = None,
) -> Installation:
    _need(by, "tickets.installation_edit")
    title = (title or "").strip()
    if not title:
        raise _missing("title", _("Name the installation."))
    if ticket is not None and ticket.customer_id != customer.pk:
        raise _missing("ticket", _("This ticket belongs to another customer."))
    if shipment is not None and shipment.customer_id != customer.pk:
        raise _missing("shipment", _("This shipment went to another customer."))
    with transaction.atomic():
        inst = Installation.objects.create(
            customer=customer,
            title=title,
            site=(site or "").strip(),
            ticket=ticket,
            shipment=shipment,
            created_by=by,
        )
        _record(inst, K.CREATED, by, text=inst.title)
    return inst


def _open_for_issues(installation: Installation) -> None:
    if installation.status != S.OPEN:
        raise WrongState(_("The rectification record is already signed; the issue list is closed."))


def _reset_signatures(installation: Installation) -> None:
    """The issue list changed: a signature given to the old list no longer counts."""
    installation.pm_signed_by = installation.production_signed_by = None
    installation.pm_signed_at = installation.production_signed_at = None


def _people(users: Iterable[User], others: str) -> str:
    names = [u.display_name for u in users]
    return "、".join([*names, others] if others else names)


@transaction.atomic
def installation_issue_add(
    *,
    installation: Installation,
    by: User,
    description: str,
    source: str,
    handling: str,
    resolution: str = "",
    conference_users: Iterable[User] = (),
    conference_participants: str = "",
    conference_at: datetime.datetime | None = None,
    conference_decision: str = "",
) -> InstallationIssue:
    """Record an issue and where it came from: fixed on site (with how), or raised by phone
    conference (who took part: users and names from outside, when, what was decided)."""
    _need(by, "tickets.installation_issue")
    current = _locked(installation)
    _open_for_issues(current)
    description, resolution = (description or "").strip(), (resolution or "").strip()
    participants = (conference_participants or "").strip()
    decision = (conference_decision or "").strip()
    users = list(conference_users or ())
    if not description:
        raise _missing("description", _("Describe the issue."))
    if source not in SRC.values:
        raise _missing(
            "source",
            _("Say where the issue came from: quality failure, design not meeting the need, or improvement."),
        )
    if handling not in H.values:
        raise _missing("handling", _("Say whether it was fixed on site or raised by phone conference."))
    if handling == H.ON_SITE and not resolution:
        raise _missing("resolution", _("Say how it was fixed on site."))
    if handling == H.CONFERENCE:
        if not participants and not users:
            raise _missing("conference_participants", _("Say who took part in the phone conference."))
        if conference_at is None:
            raise _missing("conference_at", _("Say when the phone conference took place."))
        if conference_at > timezone.now() + datetime.timedelta(minutes=5):
            too_late = _("The phone conference cannot be later than now ({now}).")
            raise _missing("conference_at", too_late.format(now=now_label()))
        if not decision:
            raise _missing("conference_decision", _("Record what the phone conference decided."))
    now = timezone.now()
    on_site = handling == H.ON_SITE
    issue = InstallationIssue.objects.create(
        installation=current,
        description=description,
        source=source,
        handling=handling,
        resolution=resolution,
        conference_participants=participants if not on_site else "",
        conference_at=conference_at if not on_site else None,
        conference_decision=decision if not on_site else "",
        fixed_by=by if on_site else None,
        fixed_at=now if on_site else None,
        created_by=by,
    )
    if not on_site and users:
        issue.conference_users.set(users)
    text = f"[{issue.get_source_display()}] {description}"
    if on_site:
        text += "\n" + _("Fixed on site: %(how)s") % {"how": resolution}
    _record(current, K.ISSUE, by, text=text, issue=issue)
    if not on_site:
        held = _("Participants: %(who)s") % {"who": _people(users, participants)}
        held += "\n" + _("Decision: %(what)s") % {"what": decision}
        _record(current, K.CONFERENCE, by, text=held, issue=issue)
    _reset_signatures(current)
    current.save()
    return issue


@transaction.atomic
def installation_issue_fix(*, issue: InstallationIssue, by: User, resolution: str) -> InstallationIssue:
    """An issue raised by phone conference is fixed: record how."""
    _need(by, "tickets.installation_issue")
    current = _locked(issue.installation)
    _open_for_issues(current)
    issue = InstallationIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.is_fixed:
        raise WrongState(_("This issue is already fixed."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise _missing("resolution", _("Say how it was fixed."))
    issue.resolution = resolution
    issue.fixed_by = by
    issue.fixed_at = timezone.now()
    issue.save()
    _record(current, K.FIXED, by, text=f"{issue.description[:60]}\n{resolution}", issue=issue)
    _reset_signatures(current)
    current.save()
    if not issue.is_improvement and not _blocking(current).exists():  # the last blocking one
        managers = (Role.PROJECT_MANAGER, Role.PRODUCTION_MANAGER)
        _announce(current, "ready", f"ready:{issue.pk}", managers, by)
    return issue


def sign_capacities(installation: Installation, user: User) -> list[str]:
    """The capacities ("project", "production") this user may still sign in."""
    return installation_capacities(user, installation)


@transaction.atomic
def installation_sign(
    *, installation: Installation, by: User, capacity: str, rectification: str = ""
) -> Installation:
    """The project manager or the production manager signs the rectification record."""
    _need(by, "tickets.installation_sign")
    current = _locked(installation)
    if current.status != S.OPEN:
        raise WrongState(_("The rectification record is already signed by both."))
    if capacity not in ("project", "production"):
        raise _missing("capacity", _("Choose the capacity you sign in."))
    if not can(by, "tickets.installation_sign", current) or capacity not in sign_capacities(current, by):
        if (capacity == "project" and current.pm_signed_by_id) or (
            capacity == "production" and current.production_signed_by_id
        ):
            raise WrongState(_("This signature has already been given."))
        raise NotAllowed(_("You may not sign in this capacity."))
    if _blocking(current).exists():
        raise WrongState(
            _("Every quality or design issue must be fixed before the rectification record is signed.")
        )
    rectification = (rectification or "").strip()
    if rectification:
        current.rectification = rectification
    if not current.rectification:
        raise _missing("rectification", _("Summarise the rectification."))
    now = timezone.now()
    if capacity == "project":
        current.pm_signed_by, current.pm_signed_at = by, now
    else:
        current.production_signed_by, current.production_signed_at = by, now
    if current.pm_signed_by_id and current.production_signed_by_id:
        current.status = S.SIGNED
    current.save()
    _record(current, K.SIGNED_PM if capacity == "project" else K.SIGNED_PRODUCTION, by, text=rectification)
    key = f"signed:{capacity}:{now.timestamp()}"  # a voided signature may be given again
    if current.status == S.SIGNED:
        _announce(current, "to_verify", key, (Role.QC,), by)
    else:
        other = Role.PRODUCTION_MANAGER if capacity == "project" else Role.PROJECT_MANAGER
        _announce(current, "signed", key, (other,), by)
    return current


@transaction.atomic
def installation_verify(*, installation: Installation, by: User, note: str) -> Installation:
    """QC verifies the rectification once both managers have signed."""
    _need(by, "tickets.installation_verify")
    current = _locked(installation)
    if current.status == S.VERIFIED:
        raise WrongState(_("This installation has already been verified."))
    if current.status != S.SIGNED:
        raise WrongState(
            _("Both the project manager and the production manager must sign the rectification record first.")
        )
    note = (note or "").strip()
    if not note:
        raise _missing("note", _("Record what QC checked."))
    current.status = S.VERIFIED
    current.verified_by = by
    current.verified_at = timezone.now()
    current.verification_note = note
    current.save()
    _record(current, K.VERIFIED, by, text=note)
    return current


@transaction.atomic
def installation_improvement_close(*, issue: InstallationIssue, by: User, note: str) -> InstallationIssue:
    """QC closes a customer improvement request left open after both signatures (procedure
    §3-5.3: 生产质检跟踪后续的问题点改善验证), saying what was verified."""
    _need(by, "tickets.installation_improvement_close")
    current = _locked(issue.installation)
    issue = InstallationIssue.objects.select_for_update().get(pk=issue.pk)
    if not issue.is_improvement:
        raise WrongState(
            _("Only a customer improvement request is closed by QC; this issue is fixed on the issue list.")
        )
    if issue.is_fixed:
        raise WrongState(_("This improvement request is already closed."))
    if current.status == S.OPEN:
        raise WrongState(
            _("Before both signatures an improvement request is fixed on the issue list; QC closes it after.")
        )
    note = (note or "").strip()
    if not note:
        raise _missing("note", _("Record how the improvement was verified."))
    issue.resolution = note
    issue.fixed_by = by
    issue.fixed_at = timezone.now()
    issue.save()
    _record(current, K.CLOSED, by, text=f"{issue.description[:60]}\n{note}", issue=issue)
    return issue
