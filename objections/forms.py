import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer
from masterdata.widgets import CustomerSelect
from security.limits import TEXT_MAX
from ui.widgets import ZonedDateTimeInput

from .models import Objection, ObjectionType, QuietContact
from .services import FindOut, find_out_problems, objection_problems, quiet_contact_problems


def _tomorrow_afternoon() -> datetime.datetime:
    local = timezone.localtime() + datetime.timedelta(days=1)
    return local.replace(hour=17, minute=0, second=0, microsecond=0)


class ObjectionForm(forms.Form):
    """The quick-log form: everything on one screen, answerable while the customer talks.

    Cross-field rules (hidden needs a belief, an outcome needs a date, the promise time
    must lie ahead) live in the service, whose errors land beside the fields here.
    """

    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.order_by("name"),
        widget=CustomerSelect(),
        required=False,
        empty_label=_("— not a customer yet —"),
        error_messages={"invalid_choice": _("Choose a customer from the list.")},
    )
    prospect_name = forms.CharField(label=_("Prospect"), max_length=128, required=False)
    prospect_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    stage = forms.ChoiceField(
        label=_("Sales stage"), choices=Objection.Stage.choices, widget=forms.RadioSelect
    )
    type = forms.ModelChoiceField(
        label=_("Objection type"),
        queryset=ObjectionType.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an objection type from the list.")},
    )
    words = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Customer's words"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("As the customer said it")}),
    )
    genuineness = forms.ChoiceField(
        label=_("True, false or hidden"), choices=Objection.Genuineness.choices, widget=forms.RadioSelect
    )
    hidden_belief = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What lies behind it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What you believe the real concern is")}),
    )
    cause = forms.ChoiceField(label=_("Likely cause"), choices=Objection.Cause.choices, initial="unknown")
    technique = forms.ChoiceField(
        label=_("Response technique"), choices=[("", "—"), *Objection.Technique.choices]
    )
    response = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Response given"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What you answered")}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Objection.Outcome.choices, initial="pending", widget=forms.RadioSelect
    )
    outcome_date = forms.DateField(
        label=_("Outcome date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lesson = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Lesson learned"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("What would you do differently next time?")}
        ),
    )
    find_out = forms.BooleanField(label=_("I don't know — I'll find out by …"), required=False)
    find_out_what = forms.CharField(
        label=_("What to find out"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. delivery time for 500 t N80 casing")}),
    )
    find_out_due_at = forms.DateTimeField(
        label=_("Answer by"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=ZonedDateTimeInput(),
    )

    def __init__(self, *args, objection: Objection | None = None, **kwargs):
        self.objection = objection
        if objection is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                **{f: getattr(objection, f) for f in ("stage", "words", "genuineness", "hidden_belief")},
                **{f: getattr(objection, f) for f in ("cause", "technique", "response", "lesson", "outcome")},
                "customer": objection.customer,
                "type": objection.type,
                "outcome_date": objection.outcome_date,
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        if objection is None:
            self.fields["submit_token"].initial = uuid.uuid4()
        else:
            del self.fields["submit_token"], self.fields["prospect_name"], self.fields["prospect_phone"]
            # An existing objection keeps its type even if the type was deactivated since.
            self.fields["type"].queryset = ObjectionType.objects.filter(
                active=True
            ) | ObjectionType.objects.filter(pk=objection.type_id)
        self.fields["find_out_due_at"].initial = _tomorrow_afternoon()
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.Textarea | forms.TextInput | forms.DateInput | forms.DateTimeInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        """The service's own rules, over what the fields made of the input: each problem on its
        field, all in one pass (a field already in error keeps its own message)."""
        data = super().clean()
        has_prospect = bool((data.get("prospect_name") or "").strip()) or (
            self.objection is not None and self.objection.prospect_id is not None
        )
        type_changed = self.objection is None or data.get("type") != self.objection.type
        problems = objection_problems(dict(data), has_prospect=has_prospect, type_changed=type_changed)
        if data.get("find_out"):
            problems |= find_out_problems(
                FindOut(what=data.get("find_out_what", ""), due_at=data.get("find_out_due_at"))
            )
        for field, message in problems.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def find_out_input(self) -> FindOut | None:
        data = self.cleaned_data
        if not data.get("find_out"):
            return None
        return FindOut(what=data.get("find_out_what", ""), due_at=data.get("find_out_due_at"))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keys = ["customer", "stage", "words", "type", "genuineness", "hidden_belief", "cause"]
        keys += ["technique", "response", "lesson", "outcome", "outcome_date"]
        if self.objection is None:
            keys += ["prospect_name", "prospect_phone", "submit_token"]
        return {k: data.get(k) for k in keys}


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif isinstance(widget, forms.Textarea | forms.TextInput | forms.DateInput):
            widget.attrs.setdefault("class", "form-control form-control-sm")


class QuietContactForm(forms.Form):
    """A customer who raised no objection at all (§1-三.5), marked in a few seconds; the
    outcome is usually recorded later, on the list. Also the form that records it."""

    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.order_by("name"),
        widget=CustomerSelect(),
        required=False,
        empty_label=_("— not a customer yet —"),
        error_messages={"invalid_choice": _("Choose a customer from the list.")},
    )
    prospect_name = forms.CharField(label=_("Prospect"), max_length=128, required=False)
    prospect_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    stage = forms.ChoiceField(
        label=_("Sales stage"),
        choices=Objection.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the sales stage.")},
    )
    note = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("How did the customer react? What did you try?")}
        ),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=QuietContact.Outcome.choices,
        initial="pending",
        widget=forms.RadioSelect,
        required=False,  # not said yet: pending
    )
    outcome_date = forms.DateField(
        label=_("Outcome date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, contact: QuietContact | None = None, **kwargs):
        self.contact = contact
        if contact is not None:
            kwargs["initial"] = {
                **{f: getattr(contact, f) for f in ("customer", "stage", "note", "outcome", "outcome_date")},
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if contact is None:
            self.fields["submit_token"].initial = uuid.uuid4()
        else:
            del self.fields["submit_token"], self.fields["prospect_name"], self.fields["prospect_phone"]
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        has_prospect = bool((data.get("prospect_name") or "").strip()) or (
            self.contact is not None and self.contact.prospect_id is not None
        )
        for field, message in quiet_contact_problems(dict(data), has_prospect=has_prospect).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def service_kwargs(self) -> dict:
        keys = ["customer", "stage", "note", "outcome", "outcome_date"]
        if self.contact is None:
            keys += ["prospect_name", "prospect_phone", "submit_token"]
        return {k: self.cleaned_data.get(k) for k in keys}


class ProspectLinkForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.order_by("name"),
        widget=CustomerSelect(),
        error_messages={"required": _("Choose the customer this prospect became.")},
    )
