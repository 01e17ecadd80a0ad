"""The all-tickets filters, shared by the page and the API."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Customer, Product
from core.widgets import FilterableSelect

from .models import Severity, State, Ticket
from .search import search_lookup


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Number, customer, lot or words")}),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.choices, empty_label=_("(all)"))
    # Long lists: rendered by core_tags.fast_select, found by typing in the find box.
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"),
        queryset=Customer.objects.only("code", "name"),
        empty_label=_("(all)"),
        widget=FilterableSelect(attrs={"class": "form-select"}),
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=Product.objects.only("code", "name"),
        empty_label=_("(all)"),
        widget=FilterableSelect(attrs={"class": "form-select"}),
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("(all)")
    )
    sla = django_filters.ChoiceFilter(
        label=_("SLA"),
        choices=[("breached", _("Breached")), ("soon", _("Due soon"))],
        empty_label=_("(all)"),
        method="sla_filter",
    )
    created_from = django_filters.DateFilter(
        label=_("Logged from"), method="created_from_filter", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = django_filters.DateFilter(
        label=_("Logged until"), method="created_to_filter", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Ticket
        fields = ["q", "state", "customer", "product", "severity", "sla", "created_from", "created_to"]

    def search(self, queryset, name, value):
        value = value.strip().lower()
        if not value:
            return queryset
        # search_text holds number, customer, lot and the texts, lower-cased (trigram-indexed).
        return queryset.filter(**search_lookup(value))

    def sla_filter(self, queryset, name, value):
        from .sla import status_q

        return queryset.filter(status_q(value))

    def created_from_filter(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def created_to_filter(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))
