"""Forms of the installation & commissioning pages (services validate again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from masterdata.models import Customer, Shipment
from masterdata.widgets import CustomerSelect, offer_customer_shipments
from security.limits import TEXT_MAX
from tickets.models import InstallationIssue, Ticket
from ui.widgets import ZonedDateTimeInput


class InstallationForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.order_by("code"), widget=CustomerSelect()
    )
    title = forms.CharField(label=_("Installation"), max_length=200)
    site = forms.CharField(label=_("Site"), max_length=200, required=False)
    # A number typed or pasted, not a select: a plant has tens of thousands of tickets.
    ticket = forms.CharField(
        label=_("Complaint ticket"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "KS-2026-000123", "autocomplete": "off"}),
    )
    # Validates any shipment; offers only the chosen customer's (offer_customer_shipments).
    shipment = forms.ModelChoiceField(
        label=_("Shipment"),
        queryset=Shipment.objects.select_related("product"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_customer_shipments(self)

    def clean_ticket(self) -> Ticket | None:
        number = self.cleaned_data["ticket"].strip().upper()
        if not number:
            return None
        ticket = Ticket.objects.filter(number=number).only("number", "customer_id").first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket has the number %(number)s.") % {"number": number})
        return ticket


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class IssueForm(forms.Form):
    description = forms.CharField(label=_("Issue"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    # Required, no initial choice: whoever raises the issue says where it came from.
    source = forms.ChoiceField(
        label=_("Where it came from"), choices=InstallationIssue.Source.choices, widget=forms.RadioSelect
    )
    handling = forms.ChoiceField(
        label=_("Handled"), choices=InstallationIssue.Handling.choices, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        max_length=TEXT_MAX,
        label=_("How it was fixed on site"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    conference_users = PeopleField(
        label=_("Who took part (colleagues)"),
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    conference_participants = forms.CharField(
        label=_("Others who took part"),
        max_length=300,
        required=False,
        help_text=_("Names from outside the system, e.g. the customer's engineer."),
    )
    conference_at = forms.DateTimeField(
        label=_("Conference at"),
        required=False,
        widget=ZonedDateTimeInput(),
    )
    conference_decision = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What the conference decided"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class FixForm(forms.Form):
    resolution = forms.CharField(
        max_length=TEXT_MAX, label=_("How it was fixed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(forms.Form):
    capacity = forms.ChoiceField(label=_("Signed as"))
    rectification = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Rectification record"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, capacities=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"project": _("Project manager"), "production": _("Production manager")}
        self.fields["capacity"].choices = [(c, labels[c]) for c in capacities]


class VerifyForm(forms.Form):
    note = forms.CharField(
        max_length=TEXT_MAX, label=_("What QC checked"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseImprovementForm(forms.Form):
    note = forms.CharField(
        max_length=TEXT_MAX,
        label=_("How the improvement was verified"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
