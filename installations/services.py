"""Installation & commissioning (procedure §3-5.3, docs/tickets.md): the write actions (reads:
installations.selectors).

Issues found while installing are fixed on site, or raised by phone conference (who took
part, when) and fixed later. When none is open, the project manager and the production
manager sign the rectification record (either order); then QC verifies it. Every refusal
says why in Chinese and changes nothing.
"""

import datetime

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
from tickets.models import Installation, InstallationIssue, Ticket
from tickets.predicates import installation_capacities
from ui.timezones import now_label

S = Installation.Status
H = InstallationIssue.Handling


def _need(by: User, action: str) -> None:
    if not can(by, action):
        raise NotAllowed(_("Your role may not do this."))


def _missing(field: str, message: str) -> MissingData:
    return MissingData(message, errors={field: [message]})


def _locked(installation: Installation) -> Installation:
    return Installation.objects.select_for_update().get(pk=installation.pk)


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
    return Installation.objects.create(
        customer=customer,
        title=title,
        site=(site or "").strip(),
        ticket=ticket,
        shipment=shipment,
        created_by=by,
    )


def _open_for_issues(installation: Installation) -> None:
    if installation.status != S.OPEN:
        raise WrongState(_("The rectification record is already signed; the issue list is closed."))


def _reset_signatures(installation: Installation) -> None:
    """The issue list changed: a signature given to the old list no longer counts."""
    installation.pm_signed_by = installation.production_signed_by = None
    installation.pm_signed_at = installation.production_signed_at = None


@transaction.atomic
def installation_issue_add(
    *,
    installation: Installation,
    by: User,
    description: str,
    handling: str,
    resolution: str = "",
    conference_participants: str = "",
    conference_at: datetime.datetime | None = None,
) -> InstallationIssue:
    """Record an issue: fixed on site (with how), or raised by phone conference (who, when)."""
    _need(by, "tickets.installation_issue")
    current = _locked(installation)
    _open_for_issues(current)
    description, resolution = (description or "").strip(), (resolution or "").strip()
    participants = (conference_participants or "").strip()
    if not description:
        raise _missing("description", _("Describe the issue."))
    if handling not in H.values:
        raise _missing("handling", _("Say whether it was fixed on site or raised by phone conference."))
    if handling == H.ON_SITE and not resolution:
        raise _missing("resolution", _("Say how it was fixed on site."))
    if handling == H.CONFERENCE:
        if not participants:
            raise _missing("conference_participants", _("Say who took part in the phone conference."))
        if conference_at is None:
            raise _missing("conference_at", _("Say when the phone conference took place."))
        if conference_at > timezone.now() + datetime.timedelta(minutes=5):
            too_late = _("The phone conference cannot be later than now ({now}).")
            raise _missing("conference_at", too_late.format(now=now_label()))
    now = timezone.now()
    on_site = handling == H.ON_SITE
    issue = InstallationIssue.objects.create(
        installation=current,
        description=description,
        handling=handling,
        resolution=resolution,
        conference_participants=participants if not on_site else "",
        conference_at=conference_at if not on_site else None,
        fixed_by=by if on_site else None,
        fixed_at=now if on_site else None,
        created_by=by,
    )
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
    _reset_signatures(current)
    current.save()
    if not current.issues.filter(fixed_at__isnull=True).exists():  # the last open one
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
    if current.issues.filter(fixed_at__isnull=True).exists():
        raise WrongState(_("Every issue must be fixed before the rectification record is signed."))
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
    return current
