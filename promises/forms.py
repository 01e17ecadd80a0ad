from django import forms
from django.utils.translation import gettext_lazy as _

from security.limits import TEXT_MAX


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
