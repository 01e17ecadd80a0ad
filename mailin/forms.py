from django import forms
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer
from masterdata.widgets import CustomerSelect
from security.limits import TEXT_MAX


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it not a complaint?"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), widget=CustomerSelect()
    )
