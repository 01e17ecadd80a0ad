"""What each step of the procedure records (procedure §3-5.2.2 … 5.2.8;
docs/workflow.md, "Actions"), one model per record."""

import uuid
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from security.limits import TEXT_MAX

from .ticket import State, Ticket

USER = settings.AUTH_USER_MODEL


class StepRecord(models.Model):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="+", verbose_name=_("ticket"))
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.ticket_id}"


class ServicePlan(StepRecord):
    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        REMOTE = "remote", _("Remote")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="plans", verbose_name=_("ticket"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    scope = models.TextField(_("scope"), max_length=TEXT_MAX)
    mode = models.CharField(_("on site or remote"), max_length=8, choices=Mode.choices)
    travellers = models.CharField(_("who travels"), max_length=200, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")


class Assignment(StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="assignments", verbose_name=_("ticket"))
    lead = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("service lead"))
    preliminary_analysis = models.TextField(_("preliminary analysis"), max_length=TEXT_MAX, blank=True)
    tools_materials = models.TextField(_("tools and materials"), max_length=TEXT_MAX, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")


class PurchaseRequest(StepRecord):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ORDERED = "ordered", _("Ordered")
        RECEIVED = "received", _("Arrived")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="purchases", verbose_name=_("ticket"))
    item = models.CharField(_("part"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")


class TechnicalReference(models.Model):
    """The technical department's part (procedure §3-3.5): the standard or drawing the
    complaint is judged against, by its number and, optionally, where to read it."""

    technical_reference = models.CharField(_("standard or drawing number"), max_length=100, blank=True)
    technical_url = models.URLField(_("link to the standard or drawing"), max_length=500, blank=True)

    class Meta:
        abstract = True


class QCReview(TechnicalReference, StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="qc_reviews", verbose_name=_("ticket"))
    participants = models.CharField(_("participants"), max_length=300)
    root_cause = models.TextField(_("root cause"), max_length=TEXT_MAX)
    solution = models.TextField(_("solution"), max_length=TEXT_MAX)

    class Meta(StepRecord.Meta):
        verbose_name = _("QC review")
        verbose_name_plural = _("QC reviews")


class ProgressEntry(StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="progress", verbose_name=_("ticket"))
    text = models.TextField(_("progress"), max_length=TEXT_MAX)

    class Meta(StepRecord.Meta):
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")


class Disposition(TechnicalReference, StepRecord):
    """产品售后处置单: filled by the service lead, signed by the customer on paper."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        PARTLY = "partly", _("Partly satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="dispositions", verbose_name=_("ticket"))
    work_done = models.TextField(_("work done"), max_length=TEXT_MAX)
    root_cause = models.TextField(_("root cause"), max_length=TEXT_MAX)
    corrective_action = models.TextField(_("corrective action"), max_length=TEXT_MAX)
    preventive_action = models.TextField(_("preventive action"), max_length=TEXT_MAX)
    parts_used = models.TextField(_("parts used"), max_length=TEXT_MAX, blank=True)
    parts_cost = models.DecimalField(
        _("cost of parts"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    satisfaction = models.CharField(_("customer satisfaction"), max_length=12, choices=Satisfaction.choices)
    customer_signatory = models.CharField(_("signed for the customer by"), max_length=64)
    # What the customer said when not satisfied (the form then goes back to the service step).
    customer_feedback = models.TextField(_("what the customer said"), max_length=TEXT_MAX, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("disposition form")
        verbose_name_plural = _("disposition forms")


class SignOff(StepRecord):
    class Capacity(models.TextChoices):
        PROJECT = "project_manager", _("Project manager")
        PRODUCTION = "production_manager", _("Production manager")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        DISPUTED = "disputed", _("Disputed")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="signoffs", verbose_name=_("ticket"))
    disposition = models.ForeignKey(
        Disposition, models.CASCADE, related_name="signoffs", verbose_name=_("disposition form")
    )
    capacity = models.CharField(_("signed as"), max_length=20, choices=Capacity.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), max_length=TEXT_MAX, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["disposition", "capacity"], name="signoff_once_per_capacity")
        ]


class ArchiveRecord(StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="archives", verbose_name=_("ticket"))
    archive_ref = models.CharField(_("archive reference"), max_length=64, blank=True)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)

    class Meta(StepRecord.Meta):
        verbose_name = _("QC archive record")
        verbose_name_plural = _("QC archive records")


class FollowUp(StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="followups", verbose_name=_("ticket"))
    note = models.TextField(_("what the customer said"), max_length=TEXT_MAX)
    satisfaction = models.CharField(
        _("customer satisfaction"), max_length=12, choices=Disposition.Satisfaction.choices
    )

    class Meta(StepRecord.Meta):
        verbose_name = _("sales follow-up")
        verbose_name_plural = _("sales follow-ups")


def photo_path(instance, filename: str) -> str:
    # The stored name never comes from the user; `filename` already is "<uuid>.<ext>".
    return f"tickets/photos/{instance.ticket_id}/{filename}"


class Photo(StepRecord):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="photos", verbose_name=_("ticket"))
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)

    class Meta(StepRecord.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


# Timeline text the system writes is stored as a code and its parameters and worded when it
# is shown, in the reader's language: code -> function(params) -> text. The apps that record
# events on tickets register theirs (`register_event_text`); the workflow's are below.
EVENT_TEXTS: dict[str, Callable[[dict], str]] = {}


def register_event_text(code: str):
    def register(render: Callable[[dict], str]) -> Callable[[dict], str]:
        EVENT_TEXTS[code] = render
        return render

    return register


def _label(choices, value: str) -> str:
    """The label of a stored choice value; a value no longer in the choices is shown as is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Event(models.Model):
    """One line of the ticket's timeline: who did what, when.

    `text` holds what a person wrote (a note, a reason, file names); what the system says
    is `code` + `params`, worded by `shown_text` in the language of whoever reads it.
    Rows from before codes existed have only `text`, shown as it was written."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Logged")
        TRANSITION = "transition", _("Status change")
        NOTE = "note", _("Note")
        ATTACHMENT = "attachment", _("Attachment")
        SIGNOFF = "signoff", _("Sign-off")
        PROGRESS = "progress", _("Progress")
        PURCHASE = "purchase", _("Purchase")
        FOLLOWUP = "followup", _("Follow-up")
        EMAIL_REPLY = "email_reply", _("E-mail reply")
        SURVEY = "survey", _("Customer survey")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="events", verbose_name=_("ticket"))
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=24, blank=True)
    from_state = models.CharField(_("from"), max_length=12, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=12, blank=True, choices=State.choices)
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    code = models.CharField(_("text code"), max_length=40, blank=True)
    params = models.JSONField(_("text parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    internal = models.BooleanField(_("internal"), default=False)
    actor = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["ticket", "seq"]
        constraints = [models.UniqueConstraint(fields=["ticket", "seq"], name="event_seq_per_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq} {self.kind}"

    @property
    def shown_text(self) -> str:
        """The entry's text in the active language."""
        render = EVENT_TEXTS.get(self.code) if self.code else None
        if render is None:
            return self.text
        try:
            return render(self.params or {})
        except (KeyError, TypeError, ValueError):  # parameters of an older shape
            return self.text


@register_event_text("plan")
def _plan_text(p: dict) -> str:
    return f"{p['start']} – {p['end']} · {_label(ServicePlan.Mode, p['mode'])} · {p['scope']}"


@register_event_text("assign")
def _assign_text(p: dict) -> str:
    return gettext("Service lead: %(lead)s. %(analysis)s") % {"lead": p["lead"], "analysis": p["analysis"]}


@register_event_text("unsatisfied")
def _unsatisfied_text(p: dict) -> str:
    return gettext("Customer: %(satisfaction)s — %(said)s") % {
        "satisfaction": _label(Disposition.Satisfaction, p["satisfaction"]),
        "said": p["said"],
    }


@register_event_text("signoff")
def _signoff_text(p: dict) -> str:
    text = gettext("%(capacity)s: %(decision)s") % {
        "capacity": _label(SignOff.Capacity, p["capacity"]),
        "decision": _label(SignOff.Decision, p["decision"]),
    }
    return text + (f" — {p['comment']}" if p.get("comment") else "")


@register_event_text("purchase_status")
def _purchase_status_text(p: dict) -> str:
    return gettext("%(item)s: %(status)s") % {
        "item": p["item"],
        "status": _label(PurchaseRequest.Status, p["status"]),
    }
