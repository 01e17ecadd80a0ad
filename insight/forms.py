import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer, Product, Supplier
from masterdata.widgets import CustomerSelect, ProductSelect, SupplierSelect
from tickets.models import Department

from .selectors import Filters, default_period


class DashboardFilterForm(forms.Form):
    # Product, customer and supplier are found by typing, as on the ticket list: rendering
    # every customer as an option cost tens of milliseconds per page.
    date_from = forms.DateField(
        label=_("Logged from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Logged until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.only("code", "name"),
        required=False,
        widget=ProductSelect(attrs={"class": "form-select"}),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.only("code", "name"),
        required=False,
        widget=CustomerSelect(attrs={"class": "form-select"}),
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.objects.only("code", "name"),
        required=False,
        widget=SupplierSelect(attrs={"class": "form-select"}),
    )
    department = forms.ChoiceField(
        label=_("Responsible department"), choices=[("", _("(all)")), *Department.choices], required=False
    )
    repeat_months = forms.IntegerField(
        label=_("Repeat within (months)"), min_value=1, max_value=36, required=False, initial=6
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("date_to", _("Choose at most three years."))
        return data

    def filters(self) -> Filters:
        """The filters to show: what was entered if valid, else the defaults (last 12 months)."""
        start, end = default_period()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = data.get("date_from") or start
        end = data.get("date_to") or end
        if start > end:
            start = end - datetime.timedelta(days=365)
        return Filters(
            date_from=start,
            date_to=end,
            product=data.get("product"),
            customer=data.get("customer"),
            supplier=data.get("supplier"),
            department=data.get("department") or "",
            repeat_months=data.get("repeat_months") or 6,
        )


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False, max_length=7)

    def first_day(self, today: datetime.date) -> datetime.date:
        if self.is_valid() and self.cleaned_data.get("month"):
            year, month = map(int, self.cleaned_data["month"].split("-"))
            if 2000 <= year <= 2100:
                return datetime.date(year, month, 1)
        return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # last month
