"""Forms: the intake form, the list filters' widgets, and one form per workflow action.

The action forms are the single definition of "what must be recorded first": the service
validates the submitted data with them whether it came from a page or from the API.
"""

import re
import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from masterdata.models import Customer, Shipment, Supplier
from masterdata.widgets import CustomerSelect, offer_customer_shipments
from promises.selectors import open_commitments_of
from security.limits import TEXT_MAX
from ui.timezones import now_label
from ui.widgets import ZonedDateTimeInput

from .departments import DEPARTMENTS, intake_cc
from .models import DefectType, Disposition, RootCause, ServicePlan, Ticket
from .photos import validate_photo
from .predicates import signing_capacities


class ActionForm(forms.Form):
    """Base of the workflow forms; knows the ticket and the acting user."""

    prompts: tuple[str, ...] = ()  # the guide's techniques shown with the form (phrases.techniques)

    def __init__(self, data=None, *, ticket: Ticket, user: User, **kwargs):
        self.ticket = ticket
        self.user = user
        super().__init__(data, **kwargs)


class ReasonForm(ActionForm):
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(ActionForm):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(max_length=TEXT_MAX, label=_("Scope"), widget=forms.Textarea(attrs={"rows": 2}))
    mode = forms.ChoiceField(label=_("On site or remote"), choices=ServicePlan.Mode.choices)
    travellers = forms.CharField(label=_("Who travels"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if data.get("mode") == ServicePlan.Mode.ONSITE and not data.get("travellers"):
            self.add_error("travellers", _("Say who travels for an on-site service."))
        return data


def service_leads():
    return User.objects.filter(groups__name=Role.SERVICE_LEAD, is_active=True).order_by("username")


# "part ×3", "part x 3", "part*3", "part × 3 根": the part, a times sign, a positive quantity
# and at most a short unit word after it.
PURCHASE_LINE = re.compile(
    r"^(?P<item>.*\S)\s*[×xX*＊]\s*(?P<quantity>\d{1,6}(?:\.\d{1,3})?)\s*[^\d\s]{0,2}$"
)


class AssignForm(ActionForm):
    lead = forms.ModelChoiceField(label=_("Service lead"), queryset=User.objects.none())
    preliminary_analysis = forms.CharField(
        max_length=TEXT_MAX, label=_("Preliminary analysis"), widget=forms.Textarea(attrs={"rows": 2})
    )
    tools_materials = forms.CharField(
        max_length=TEXT_MAX, label=_("Tools and materials"), widget=forms.Textarea(attrs={"rows": 2})
    )
    purchase_items = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Parts to purchase (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = service_leads()

    def clean_purchase_items(self) -> list[tuple[str, Decimal]]:
        """One part per line with its quantity at the end ("接箍 139.7mm ×3"); a line without
        one is refused rather than bought once by default."""
        items, missing = [], []
        for line in (raw.strip() for raw in self.cleaned_data["purchase_items"].splitlines()):
            if not line:
                continue
            match = PURCHASE_LINE.match(line)
            if match is None:
                missing.append(line)
                continue
            items.append((match["item"].strip()[:200], Decimal(match["quantity"])))
        if missing:
            raise forms.ValidationError(
                _("Say how many of each part, e.g. “接箍 139.7mm ×3”: %(lines)s"),
                params={"lines": "；".join(missing)},
            )
        return items


# A blank first choice: what the customer said is recorded only when someone chose it.
CHOOSE_SATISFACTION = [("", "—"), *Disposition.Satisfaction.choices]


class ClassificationMixin(forms.Form):
    """The root cause's category and, for purchased material, the supplier: what the
    quality dashboard counts (docs/insight.md). Optional, filled from the ticket."""

    root_cause_category = forms.ChoiceField(
        label=_("Root cause category"), choices=[("", "—"), *RootCause.choices], required=False
    )
    supplier = forms.ModelChoiceField(
        label=_("Responsible supplier"),
        queryset=Supplier.objects.only("code", "name"),
        required=False,
        help_text=_("When the root cause lies in purchased material."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root_cause_category"].initial = self.ticket.root_cause_category
        self.fields["supplier"].initial = self.ticket.supplier_id


CLASSIFICATION_FIELDS = ("root_cause_category", "supplier", "defect_type")


class TechnicalReferenceMixin(forms.Form):
    """The standard or drawing the complaint is judged against (procedure §3-3.5, the
    technical department's part): its number and, optionally, a link to it."""

    technical_reference = forms.CharField(
        label=_("Standard or drawing number"),
        max_length=100,
        required=False,
        help_text=_("The technical department's standard or drawing the complaint is judged against."),
    )
    technical_url = forms.URLField(
        label=_("Link to the standard or drawing"), max_length=500, required=False, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        if data.get("technical_url") and not data.get("technical_reference"):
            self.add_error("technical_reference", _("Give the standard's or drawing's number with its link."))
        return data


class QCReviewForm(ClassificationMixin, TechnicalReferenceMixin, ActionForm):
    participants = forms.CharField(label=_("Participants"), max_length=300)
    root_cause = forms.CharField(
        max_length=TEXT_MAX, label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 2})
    )
    solution = forms.CharField(
        max_length=TEXT_MAX, label=_("Solution"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(ActionForm):
    text = forms.CharField(max_length=TEXT_MAX, label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))


class DispositionForm(ClassificationMixin, TechnicalReferenceMixin, ActionForm):
    work_done = forms.CharField(
        max_length=TEXT_MAX, label=_("Work done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    root_cause = forms.CharField(
        max_length=TEXT_MAX, label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 2})
    )
    corrective_action = forms.CharField(
        max_length=TEXT_MAX, label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    preventive_action = forms.CharField(
        max_length=TEXT_MAX, label=_("Preventive action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    parts_used = forms.CharField(
        max_length=TEXT_MAX, label=_("Parts used"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # No initial value: the lead states the cost, 0 included; a blank is not ¥0.00.
    parts_cost = forms.DecimalField(label=_("Cost of parts"), min_value=0, decimal_places=2)
    satisfaction = forms.ChoiceField(label=_("Customer satisfaction"), choices=CHOOSE_SATISFACTION)
    customer_signatory = forms.CharField(label=_("Signed for the customer by"), max_length=64)
    defect_type = forms.ModelChoiceField(
        label=_("Defect type"), queryset=DefectType.objects.filter(active=True), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defect_type"].initial = self.ticket.defect_type_id
        # The latest review's reference is what the form is usually judged against.
        # (From the reviews the ticket page has already read.)
        referenced = [r for r in self.ticket.qc_reviews.all() if r.technical_reference]
        review = max(referenced, key=lambda r: (r.created_at, r.pk), default=None)
        if review is not None:
            self.fields["technical_reference"].initial = review.technical_reference
            self.fields["technical_url"].initial = review.technical_url

    def clean_satisfaction(self) -> str:
        # The sign-offs start only once the customer is satisfied (procedure §3-5.2.6,
        # "客户满意后"); otherwise the lead records it with the "not satisfied" action.
        value = self.cleaned_data["satisfaction"]
        if value != Disposition.Satisfaction.SATISFIED:
            raise forms.ValidationError(
                _(
                    "The form goes to the sign-offs only when the customer is satisfied; "
                    "otherwise record what the customer said with “The customer is not satisfied”."
                )
            )
        return value


class UnsatisfiedForm(DispositionForm):
    """The disposition form the customer is not satisfied with: kept, with what they said."""

    customer_feedback = forms.CharField(
        max_length=TEXT_MAX, label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        satisfied = Disposition.Satisfaction.SATISFIED
        self.fields["satisfaction"].choices = [c for c in CHOOSE_SATISFACTION if c[0] != satisfied]

    def clean_satisfaction(self) -> str:
        return self.cleaned_data["satisfaction"]  # the choices already leave "satisfied" out


TECHNICAL_FIELDS = ("technical_reference", "technical_url")

# The standard or drawing closes the form, after what it is judged for.
for _form in (QCReviewForm, DispositionForm, UnsatisfiedForm):
    _form.base_fields = {
        **{k: f for k, f in _form.base_fields.items() if k not in TECHNICAL_FIELDS},
        **{k: _form.base_fields[k] for k in TECHNICAL_FIELDS},
    }


class OverrideForm(ActionForm):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Why the sign-offs start although the customer is not satisfied"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeadDisputeForm(ActionForm):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What is wrong with the corrective actions"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def capacities_for(user: User, ticket: Ticket) -> list[tuple[str, str]]:
    """The sign-off capacities this user holds and that are still unsigned on the ticket."""
    return signing_capacities(user, ticket)


class SignOffForm(ActionForm):
    capacity = forms.ChoiceField(label=_("Signed as"))
    comment = forms.CharField(
        max_length=TEXT_MAX, label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].choices = capacities_for(self.user, self.ticket)
        if len(self.fields["capacity"].choices) == 1:
            self.fields["capacity"].initial = self.fields["capacity"].choices[0][0]


class DisputeForm(SignOffForm):
    comment = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What is wrong with the corrective actions"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ArchiveForm(ActionForm):
    archive_ref = forms.CharField(label=_("Archive reference"), max_length=64, required=False)
    note = forms.CharField(
        max_length=TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(ActionForm):
    prompts = ("listen", "acknowledge", "promise")  # the guide's techniques for this call (phrases)
    note = forms.CharField(
        max_length=TEXT_MAX, label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfaction = forms.ChoiceField(label=_("Customer satisfaction"), choices=CHOOSE_SATISFACTION)
    # Another call promised on this call (guide §4 技巧五): a new promise, reminded like any other.
    next_callback_due_at = forms.DateTimeField(
        label=_("Call back again by (if promised)"),
        required=False,
        widget=ZonedDateTimeInput(),
    )
    next_callback_note = forms.CharField(label=_("What was promised"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        due, note = data.get("next_callback_due_at"), (data.get("next_callback_note") or "").strip()
        if due and due <= timezone.now():
            too_early = _("The call-back time must be later than now ({now}).")
            self.add_error("next_callback_due_at", too_early.format(now=now_label()))
        if due and not note:
            self.add_error("next_callback_note", _("Say what was promised."))
        if note and not due and "next_callback_due_at" not in self.errors:
            self.add_error(
                "next_callback_due_at", _("Give the time by which the customer will hear from us.")
            )
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name the call-back promises this call keeps (the keep_callback effect closes them).
        promises = open_commitments_of(self.ticket) if self.ticket is not None else []
        if promises:
            self.fields["note"].help_text = _("This call keeps the promise: %(promises)s") % {
                "promises": "；".join(
                    f"{p.description}（{timezone.localtime(p.due_at):%Y-%m-%d %H:%M}）" for p in promises
                )
            }
        # What the customer said on the portal (portal.Survey), for the call.
        survey = getattr(self.ticket, "portal_survey", None) if self.ticket is not None else None
        if survey is not None:
            said = _("The customer rated %(rating)s/5 on the portal: %(comment)s") % {
                "rating": survey.rating,
                "comment": survey.comment or "—",
            }
            help_text = self.fields["note"].help_text
            self.fields["note"].help_text = f"{help_text} {said}" if help_text else said


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Note"),
        help_text=_("Write @user name to tell a colleague; watchers hear of every note."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal = forms.BooleanField(label=_("Internal (not for the customer)"), required=False)


class PurchaseForm(forms.Form):
    item = forms.CharField(label=_("Part"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.001, initial=1)
    needed_by = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once; each is checked with Pillow, not by its name."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        errors, cleaned = [], []
        for f in files:
            try:
                cleaned.append(validate_photo(super().clean(f, initial)))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("Photos"))


# What sales records at intake, in the order of the phone call (procedure §3-5.2.1 and §4);
# the intake form and the API's ticket serializer both use it.
INTAKE_FIELDS = (
    "channel",
    "customer",
    "caller_name",
    "caller_phone",
    "customer_words",
    "description",
    "shipment",
    "product",
    "order_number",
    "lot_number",
    "ship_date",
    "quantity",
    "site",
    "remedy",
    "cc_departments",
    "paraphrase",
    "customer_confirmed",
    "emotion",
    "options_offered",
    "option_chosen",
    "onsite_needed",
    "severity",
    "safety",
    "defect_type",
)


def department_choices() -> list[tuple[str, str]]:
    """The departments sales may copy at intake (departments.DEPARTMENTS), by their role's name."""
    return [(d, Role(d).label) for d in DEPARTMENTS]


class IntakeForm(forms.ModelForm):
    """The phone conversation, in its order (procedure §4): listen, confirm, offer, promise."""

    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    photos = PhotosField(label=_("Photos of the defect"))
    callback_due_at = forms.DateTimeField(
        label=_("Promise to call back by"),
        required=False,
        widget=ZonedDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    callback_note = forms.CharField(label=_("What we promised"), max_length=255, required=False)
    cc_departments = forms.MultipleChoiceField(
        label=_("Copy the departments"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "QC and technical support are always copied; a return also the sales manager, "
            "an exchange the project manager."
        ),
    )

    class Meta:
        model = Ticket
        fields = list(INTAKE_FIELDS)
        widgets = {
            "customer_words": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "paraphrase": forms.Textarea(attrs={"rows": 2}),
            "options_offered": forms.Textarea(attrs={"rows": 2}),
            "ship_date": forms.DateInput(attrs={"type": "date"}),
            "customer": CustomerSelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.order_by("code")
        self.fields["defect_type"].queryset = DefectType.objects.filter(active=True)
        # Offers the chosen customer's shipments (found by typing); any shipment validates.
        self.fields["shipment"].queryset = Shipment.objects.all()
        self.fields["shipment"].empty_label = "—"
        offer_customer_shipments(self)
        self.fields["customer_confirmed"].help_text = _('Ask: "Did I understand you correctly?"')
        self.fields["cc_departments"].choices = department_choices()
        if not self.is_bound:
            self.initial.setdefault("intake_token", uuid.uuid4())

    def clean(self):
        data = super().clean()
        # The departments the procedure names are copied whatever was ticked.
        data["cc_departments"] = intake_cc(data.get("remedy") or "", data.get("cc_departments") or ())
        shipment, customer = data.get("shipment"), data.get("customer")
        if shipment and customer and shipment.customer_id != customer.pk:
            self.add_error("shipment", _("This shipment went to another customer."))
        if data.get("callback_due_at") and data["callback_due_at"] <= timezone.now():
            too_early = _("The call-back time must be later than now ({now}).")
            self.add_error("callback_due_at", too_early.format(now=now_label()))
        if data.get("callback_due_at") and not data.get("callback_note"):
            data["callback_note"] = str(_("Call the customer back"))
        return data
