"""The portal's public forms: bounded, with a honeypot, and a token that makes a re-sent
form return the ticket it already made."""

import uuid

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer
from masterdata.widgets import CustomerSelect
from security.limits import TEXT_MAX
from tickets.forms import PhotosField

REMEDY_CHOICES = [
    ("exchange", _("Exchange the goods")),
    ("repair", _("Repair")),
    ("return", _("Take the goods back")),
    ("none", _("Check first, then decide")),
]
URGENCY_CHOICES = [
    ("normal", _("It does not stop our work")),
    ("production", _("It slows our work")),
    ("stopped", _("Our work has stopped")),
    ("safety", _("There is a safety risk")),
]
HONEYPOT = "website"

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,32}$", _("Enter a phone number (digits, +, - and spaces)."))


class ComplaintForm(forms.Form):
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    # Hidden from people (CSS and aria-hidden), filled by bots that fill every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    contact_name = forms.CharField(label=_("Your name"), max_length=64)
    contact_phone = forms.CharField(
        label=_("Your phone"),
        max_length=32,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the problem in your own words: what you saw, when, and how many pieces."),
    )
    product_text = forms.CharField(
        label=_("Product (name, size or order number)"), max_length=200, required=False
    )
    quantity = forms.DecimalField(
        label=_("Quantity affected"),
        min_value=0.001,
        max_digits=14,
        decimal_places=3,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    site = forms.CharField(label=_("Where is it (site or address)?"), max_length=200)
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"), choices=URGENCY_CHOICES, widget=forms.RadioSelect
    )
    remedy = forms.ChoiceField(
        label=_("What would you like us to do?"), choices=REMEDY_CHOICES, widget=forms.RadioSelect
    )
    photos = PhotosField(label=_("Photos (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4()
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > settings.PORTAL_MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)s photos, please.") % {"n": settings.PORTAL_MAX_PHOTOS}, code="too_many"
            )
        return photos


class SurveyForm(forms.Form):
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class LinkIssueForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.order_by("code"), widget=CustomerSelect()
    )
