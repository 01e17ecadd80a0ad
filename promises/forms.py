from django import forms
from django.utils.translation import gettext_lazy as _

from security.limits import TEXT_MAX
from ui.widgets import ZonedDateTimeInput


class CommitmentCloseForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Kept: the customer heard from us")), ("0", _("Broken: we missed it"))],
        coerce=lambda v: v == "1",
    )
    outcome_note = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What was said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _due_field(label):
    return forms.DateTimeField(
        label=label,
        widget=ZonedDateTimeInput(attrs={"class": "form-control"}),
    )


class CommitmentForm(forms.Form):
    """A call-back promise made on a record's page."""

    description = forms.CharField(
        label=_("What we promise"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. call back with the test result")}
        ),
    )
    due_at = _due_field(_("By when"))


class RescheduleForm(forms.Form):
    """A new time agreed with the customer (guide §4 技巧五)."""

    due_at = _due_field(_("New time agreed"))
    agreement = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What the customer agreed to"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
