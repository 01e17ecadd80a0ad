"""The all-tickets filters, shared by the page, its exports and the API. The quality
dashboard's drill-downs (docs/insight.md) land here, so every figure it shows has a filter
that lists exactly its tickets: defect, root cause, department, supplier, open tickets by
age bucket, and a set of ticket numbers (repeat failures)."""

import datetime
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer, Product, Supplier
from masterdata.widgets import CustomerSelect, ProductSelect, SupplierSelect

from .models import DefectType, Department, RootCause, Severity, State, Ticket, root_causes_of
from .search import search_filter
from .sla import status_q

CLOSED = (State.ARCHIVED, State.REJECTED)
# Open tickets by age in days since intake: (key, label, from day, until day exclusive).
AGE_BUCKETS = [
    ("d0_2", _("0–2 days"), 0, 3),
    ("d3_7", _("3–7 days"), 3, 8),
    ("d8_14", _("8–14 days"), 8, 15),
    ("d15_30", _("15–30 days"), 15, 31),
    ("d31_60", _("31–60 days"), 31, 61),
    ("d61", _("over 60 days"), 61, None),
]
MAX_NUMBERS = 500


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def age_range(key: str, now: datetime.datetime) -> tuple[datetime.datetime | None, datetime.datetime]:
    """(created after, created at or before) for an age bucket, measured from `now`."""
    _key, _label, first, until = next(b for b in AGE_BUCKETS if b[0] == key)
    latest = now - datetime.timedelta(days=first)
    earliest = now - datetime.timedelta(days=until) if until is not None else None
    return earliest, latest


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Number, customer, lot or words")}),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.choices, empty_label=_("(all)"))
    # Long lists: only the chosen one is rendered; others are found by typing (masterdata.widgets).
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"),
        queryset=Customer.objects.only("code", "name"),
        empty_label=_("(all)"),
        widget=CustomerSelect(attrs={"class": "form-select"}),
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=Product.objects.only("code", "name"),
        empty_label=_("(all)"),
        widget=ProductSelect(attrs={"class": "form-select"}),
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
    defect = django_filters.ModelChoiceFilter(
        label=_("Defect type"),
        field_name="defect_type",
        queryset=DefectType.objects.all(),
        empty_label=_("(all)"),
    )
    root_cause = django_filters.ChoiceFilter(
        label=_("Root cause"),
        field_name="root_cause_category",
        choices=RootCause.choices,
        empty_label=_("(all)"),
    )
    department = django_filters.ChoiceFilter(
        label=_("Responsible department"),
        choices=Department.choices,
        empty_label=_("(all)"),
        method="department_filter",
    )
    supplier = django_filters.ModelChoiceFilter(
        label=_("Supplier"),
        queryset=Supplier.objects.only("code", "name"),
        empty_label=_("(all)"),
        widget=SupplierSelect,
    )
    open = django_filters.BooleanFilter(
        label=_("Open only"), method="open_filter", widget=forms.CheckboxInput
    )
    age = django_filters.ChoiceFilter(
        label=_("Open for"),
        choices=[(k, label) for k, label, _a, _b in AGE_BUCKETS],
        empty_label=_("(all)"),
        method="age_filter",
    )
    numbers = django_filters.CharFilter(label=_("Ticket numbers"), method="numbers_filter", max_length=20000)

    class Meta:
        model = Ticket
        fields = [
            "q",
            "state",
            "customer",
            "product",
            "severity",
            "sla",
            "created_from",
            "created_to",
            "defect",
            "root_cause",
            "department",
            "supplier",
            "open",
            "age",
            "numbers",
        ]

    def search(self, queryset, name, value):
        # Exactly what ILIKE '%value%' finds in the searched columns (tickets/search.py).
        return queryset.filter(search_filter(value.strip()))

    def sla_filter(self, queryset, name, value):
        return queryset.filter(status_q(value))

    def created_from_filter(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def created_to_filter(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def department_filter(self, queryset, name, value):
        return queryset.filter(root_cause_category__in=root_causes_of(value))

    def open_filter(self, queryset, name, value):
        return queryset.exclude(state__in=CLOSED) if value else queryset

    def age_filter(self, queryset, name, value):
        earliest, latest = age_range(value, timezone.now())
        queryset = queryset.exclude(state__in=CLOSED).filter(created_at__lte=latest)
        return queryset.filter(created_at__gt=earliest) if earliest else queryset

    def numbers_filter(self, queryset, name, value):
        numbers = [n.upper() for n in re.split(r"[\s,;\x00]+", value) if n][:MAX_NUMBERS]
        return queryset.filter(number__in=numbers)
