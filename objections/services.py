"""Write actions on objections. The HTML views and the API both call these."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Conflict, Forbidden, Invalid
from masterdata.models import Customer
from promises.models import Commitment
from promises.services import commitment_create
from ui.timezones import now_label

from .models import Objection, ObjectionType, Prospect, QuietContact


@dataclass(frozen=True)
class FindOut:
    """ "I don't know — I'll find out by …" (guide §1-三.6): becomes a Commitment."""

    what: str
    due_at: datetime.datetime | None


# The fields a salesperson writes; the owner, prospect and token are handled separately.
EDITABLE = (
    "customer",
    "stage",
    "words",
    "type",
    "genuineness",
    "hidden_belief",
    "cause",
    "technique",
    "response",
    "lesson",
    "outcome",
    "outcome_date",
)


def objection_problems(data: dict, *, has_prospect: bool, type_changed: bool) -> dict:
    """Check the rules the form, the API and the database constraints share; Chinese errors.
    The form asks too, so a person sees every problem at once, not one rule per submit."""
    errors: dict[str, str] = {}
    data["words"] = (data.get("words") or "").strip()
    data["hidden_belief"] = (data.get("hidden_belief") or "").strip()
    data["response"] = (data.get("response") or "").strip()
    data["lesson"] = (data.get("lesson") or "").strip()
    if not data.get("customer") and not has_prospect:
        errors["customer"] = _("Choose the customer, or enter the prospect's name.")
    if data.get("stage") not in Objection.Stage.values:
        errors["stage"] = _("Choose the sales stage.")
    if not data["words"]:
        errors["words"] = _("Write down what the customer said.")
    objection_type = data.get("type")
    if not isinstance(objection_type, ObjectionType) or (type_changed and not objection_type.active):
        errors["type"] = _("Choose an objection type from the list.")
    if data.get("genuineness") not in Objection.Genuineness.values:
        errors["genuineness"] = _("Say whether the objection is true, false or hidden.")
    elif data["genuineness"] == Objection.Genuineness.HIDDEN and not data["hidden_belief"]:
        errors["hidden_belief"] = _("For a hidden objection, write what you believe lies behind it.")
    if data.get("cause") not in Objection.Cause.values:
        errors["cause"] = _("Choose the likely cause.")
    if data.get("technique") not in Objection.Technique.values:
        errors["technique"] = _("Choose how you answered.")
    errors |= _outcome_problems(data, Objection.Outcome.values)
    # §1 "learn from rejection": a lost objection is only closed with what it taught us.
    if data["outcome"] == Objection.Outcome.LOST and not data["lesson"]:
        errors["lesson"] = _("The objection was lost: write down what we learned from it.")
    return errors


def _outcome_problems(data: dict, outcomes: list[str]) -> dict:
    """An outcome other than pending needs its date, which may not lie ahead."""
    errors: dict[str, str] = {}
    outcome = data.get("outcome") or "pending"
    data["outcome"] = outcome
    if outcome not in outcomes:
        errors["outcome"] = _("Choose the outcome.")
    elif outcome == "pending":
        data["outcome_date"] = None
    elif not data.get("outcome_date"):
        errors["outcome_date"] = _("Give the date of the outcome.")
    elif data["outcome_date"] > timezone.localdate():
        errors["outcome_date"] = _("The outcome date cannot be in the future.")
    return errors


def find_out_problems(find_out: FindOut | None) -> dict:
    if find_out is None:
        return {}
    errors = {}
    if not (find_out.what or "").strip():
        errors["find_out_what"] = _("Say what you will find out for the customer.")
    if find_out.due_at is None:
        errors["find_out_due_at"] = _("Give the time by which the customer will hear from you.")
    elif find_out.due_at <= timezone.now():
        too_early = _("The promised time must be later than now ({now}).")
        errors["find_out_due_at"] = too_early.format(now=now_label())
    return errors


def _promise(objection: Objection, find_out: FindOut, by: User) -> Commitment:
    try:
        return commitment_create(
            owner=objection.owner,
            by=by,
            description=find_out.what,
            due_at=find_out.due_at,
            customer=objection.customer,
            source=objection,
        )
    except Invalid as exc:  # re-key the commitment's errors to our form fields
        keys = {"description": "find_out_what", "due_at": "find_out_due_at"}
        raise Invalid.for_fields({keys.get(k, k): v for k, v in exc.errors.items()}) from exc


def _prospect(*, name: str, phone: str, by: User) -> Prospect:
    """The same prospect again (same name, and same phone if given) is not a second prospect."""
    same = Prospect.objects.filter(name__iexact=name)
    if phone:
        same = same.filter(phone__in=[phone, ""])
    existing = same.order_by(F("customer_id").desc(nulls_last=True), "id").first()
    if existing is not None:
        if phone and not existing.phone:
            existing.phone = phone
            existing.save(update_fields=["phone"])
        return existing
    return Prospect.objects.create(name=name, phone=phone, created_by=by)


def objection_log(
    *,
    by: User,
    customer: Customer | None = None,
    prospect_name: str = "",
    prospect_phone: str = "",
    stage: str,
    words: str,
    type: ObjectionType | None,
    genuineness: str,
    hidden_belief: str = "",
    cause: str = Objection.Cause.UNKNOWN,
    technique: str,
    response: str = "",
    lesson: str = "",
    outcome: str = Objection.Outcome.PENDING,
    outcome_date: datetime.date | None = None,
    find_out: FindOut | None = None,
    submit_token: uuid.UUID | None = None,
) -> tuple[Objection, bool]:
    """Log an objection for `by` (the salesperson), with its promise if any, in one transaction.

    Returns (objection, created). A second call with the same `submit_token` (a double
    click, a re-sent form) returns the first objection and saves nothing.
    """
    if not can(by, "objections.log"):
        raise Forbidden()
    if submit_token is not None:
        existing = Objection.objects.filter(submit_token=submit_token, owner=by).first()
        if existing is not None:
            return existing, False
    prospect_name = (prospect_name or "").strip()
    data = {
        "customer": customer,
        "stage": stage,
        "words": words,
        "type": type,
        "genuineness": genuineness,
        "hidden_belief": hidden_belief,
        "cause": cause,
        "technique": technique,
        "response": response,
        "lesson": lesson,
        "outcome": outcome,
        "outcome_date": outcome_date,
    }
    errors = objection_problems(data, has_prospect=bool(prospect_name), type_changed=True)
    errors.update(find_out_problems(find_out))
    if errors:
        raise Invalid.for_fields(errors)
    try:
        with transaction.atomic():
            prospect = None
            if customer is None:
                prospect = _prospect(name=prospect_name, phone=(prospect_phone or "").strip(), by=by)
                data["customer"] = prospect.customer  # known already if it was linked before
            objection = Objection.objects.create(
                owner=by, prospect=prospect, submit_token=submit_token, **data
            )
            if find_out is not None:
                _promise(objection, find_out, by)
    except IntegrityError:
        # The same token committed concurrently (two tabs, a fast double submit).
        existing = Objection.objects.filter(submit_token=submit_token, owner=by).first()
        if submit_token is None or existing is None:
            raise
        return existing, False
    return objection, True


@transaction.atomic
def objection_update(
    *, objection: Objection, by: User, find_out: FindOut | None = None, **changes
) -> Objection:
    """Change an objection (typically its response and outcome). Only its owner (or a
    staff admin) may: the "objections.edit" rule."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not can(by, "objections.edit", objection):
        raise Forbidden()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    data = {field: getattr(objection, field) for field in EDITABLE} | changes
    type_changed = data["type"] is not None and getattr(data["type"], "pk", None) != objection.type_id
    errors = objection_problems(
        data, has_prospect=objection.prospect_id is not None, type_changed=type_changed
    )
    errors.update(find_out_problems(find_out))
    if errors:
        raise Invalid.for_fields(errors)
    for field, value in data.items():
        setattr(objection, field, value)
    objection.save()
    if find_out is not None:
        _promise(objection, find_out, by)
    return objection


@transaction.atomic
def prospect_link_customer(*, prospect: Prospect, customer: Customer, by: User) -> Prospect:
    """The prospect became (or turned out to be) a customer: move its objections there too."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    # Anyone who logged an objection against the prospect may say who it turned out to be,
    # and whoever reads every objection: the "objections.link_prospect" rule.
    if not can(by, "objections.link_prospect", prospect):
        raise Forbidden()
    objections = list(prospect.objections.all())
    if prospect.customer_id and prospect.customer_id != customer.pk:
        raise Conflict(_("This prospect is already linked to another customer."), code="wrong_state")
    prospect.customer = customer
    prospect.save(update_fields=["customer"])
    for objection in objections:  # one by one, so each change lands in the history
        if objection.customer_id is None:
            objection.customer = customer
            objection.save(update_fields=["customer", "updated_at"])
    Commitment.objects.filter(
        source_type__app_label="objections",
        source_type__model="objection",
        source_id__in=[o.pk for o in objections],
        customer__isnull=True,
    ).update(customer=customer)
    for contact in prospect.quiet_contacts.filter(customer__isnull=True):
        contact.customer = customer
        contact.save(update_fields=["customer", "updated_at"])
    return prospect


@transaction.atomic
def objection_delete(*, objection: Objection, by: User) -> None:
    """Delete a mistaken entry. Promises made on it stay: the customer still expects the answer."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not can(by, "objections.delete", objection):
        raise Forbidden()
    objection.delete()


# --- customers who raise no objection (§1-三.5) -------------------------------------------

QUIET_EDITABLE = ("customer", "stage", "note", "outcome", "outcome_date")


def quiet_contact_problems(data: dict, *, has_prospect: bool) -> dict:
    """The rules for a customer without objections, shared by the form, the API and the service."""
    errors: dict[str, str] = {}
    data["note"] = (data.get("note") or "").strip()
    if not data.get("customer") and not has_prospect:
        errors["customer"] = _("Choose the customer, or enter the prospect's name.")
    if data.get("stage") not in Objection.Stage.values:
        errors["stage"] = _("Choose the sales stage.")
    errors |= _outcome_problems(data, QuietContact.Outcome.values)
    return errors


def quiet_contact_log(
    *,
    by: User,
    customer: Customer | None = None,
    prospect_name: str = "",
    prospect_phone: str = "",
    stage: str,
    note: str = "",
    outcome: str = QuietContact.Outcome.PENDING,
    outcome_date: datetime.date | None = None,
    submit_token: uuid.UUID | None = None,
) -> tuple[QuietContact, bool]:
    """Mark that a customer raised no objection at all. Returns (contact, created); the same
    `submit_token` again returns the first one and saves nothing."""
    if not can(by, "objections.log"):
        raise Forbidden()
    if submit_token is not None:
        existing = QuietContact.objects.filter(submit_token=submit_token, owner=by).first()
        if existing is not None:
            return existing, False
    prospect_name = (prospect_name or "").strip()
    data = {
        "customer": customer,
        "stage": stage,
        "note": note,
        "outcome": outcome,
        "outcome_date": outcome_date,
    }
    errors = quiet_contact_problems(data, has_prospect=bool(prospect_name))
    if errors:
        raise Invalid.for_fields(errors)
    try:
        with transaction.atomic():
            prospect = None
            if customer is None:
                prospect = _prospect(name=prospect_name, phone=(prospect_phone or "").strip(), by=by)
                data["customer"] = prospect.customer
            contact = QuietContact.objects.create(
                owner=by, prospect=prospect, submit_token=submit_token, **data
            )
    except IntegrityError:
        existing = QuietContact.objects.filter(submit_token=submit_token, owner=by).first()
        if submit_token is None or existing is None:
            raise
        return existing, False
    return contact, True


@transaction.atomic
def quiet_contact_update(*, contact: QuietContact, by: User, **changes) -> QuietContact:
    """Record how the sale ended (or correct the entry): its owner, or the sales manager
    (the "objections.quiet_edit" rule)."""
    contact = QuietContact.objects.select_for_update().get(pk=contact.pk)
    if not can(by, "objections.quiet_edit", contact):
        raise Forbidden()
    unknown = set(changes) - set(QUIET_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    data = {field: getattr(contact, field) for field in QUIET_EDITABLE} | changes
    errors = quiet_contact_problems(data, has_prospect=contact.prospect_id is not None)
    if errors:
        raise Invalid.for_fields(errors)
    for field, value in data.items():
        setattr(contact, field, value)
    contact.save()
    return contact
