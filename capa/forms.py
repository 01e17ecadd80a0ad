"""The CAPA check form (the service validates again)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CapaVerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("effective", _("Effective")), ("not_effective", _("Not effective"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Evidence, or what failed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
