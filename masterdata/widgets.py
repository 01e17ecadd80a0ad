"""Form helpers for picking master data."""

from collections.abc import Callable

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from security.params import parse_int

from .selectors import shipment_label


class AutocompleteSelect(forms.Select):
    """A select whose options are found by typing (static/js/autocomplete.js, Tom Select):
    it renders only the empty choice and the chosen one, and the browser asks `url_name`
    (a view of masterdata.views.autocomplete_*) for up to twenty matches of what is typed.
    Lists of 100,000 customers or a million shipments never reach the page; the form field
    (a ModelChoiceField over the full queryset) still validates the id sent back.

    `depends`: the name of another field of the form whose value is sent along (the
    shipments of the chosen customer). `label`: the text of the chosen option, when it is
    not the field's own label_from_instance (the shipments' date · product · lot)."""

    def __init__(
        self,
        url_name: str,
        attrs=None,
        choices=(),
        *,
        depends: str = "",
        label: Callable | None = None,
        placeholder=None,
    ):
        super().__init__(attrs, choices)
        self.url_name, self.depends, self.label = url_name, depends, label
        self.placeholder, self.own_placeholder = (
            placeholder or _("Type a code or part of a name"),
            bool(placeholder),
        )

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.setdefault("data-autocomplete", reverse(self.url_name))
        # An optional field shows what choosing nothing means ("(all)", "— not a customer
        # yet —") as its select did, unless given its own prompt; a required one says how
        # to find a choice.
        empty = getattr(getattr(self.choices, "field", None), "empty_label", None)
        prompt = empty if empty and not self.is_required and not self.own_placeholder else self.placeholder
        attrs.setdefault("data-placeholder", str(prompt))
        attrs.setdefault("data-empty", str(_("Nothing found")))
        attrs.setdefault("data-clear", str(_("Clear")))
        if self.depends:
            attrs.setdefault("data-depends", self.depends)
        return attrs

    def optgroups(self, name, value, attrs=None):
        every = self.choices
        self.choices = self._chosen(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every

    def _chosen(self, value) -> list:
        """The empty choice and the chosen ones: one query by primary key, or none."""
        wanted = {str(v) for v in value if v not in (None, "")}
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return [(v, t) for v, t in choices if v in ("", None) or str(v) in wanted]
        field = choices.field
        rows = [("", field.empty_label)] if field.empty_label is not None else []
        # ModelForm fields name their key ("id"); a typed or tampered value that is no key
        # of that kind is no choice, never a query that fails (a 500 on re-rendering the form).
        name = field.to_field_name or "pk"
        meta = choices.queryset.model._meta
        key = meta.pk if name == "pk" else meta.get_field(name)
        if "Integer" in key.get_internal_type() or "AutoField" in key.get_internal_type():
            values = [k for k in (parse_int(v) for v in wanted) if k is not None]
        else:
            values = list(wanted)
        if values:
            for obj in choices.queryset.filter(**{f"{name}__in": values}):
                choice_value, text = choices.choice(obj)
                rows.append((choice_value, self.label(obj) if self.label else text))
        return rows


class CustomerSelect(AutocompleteSelect):
    def __init__(self, attrs=None):
        super().__init__("autocomplete-customers", attrs)


class SupplierSelect(AutocompleteSelect):
    def __init__(self, attrs=None):
        super().__init__("autocomplete-suppliers", attrs)


class ProductSelect(AutocompleteSelect):
    def __init__(self, attrs=None):
        super().__init__("autocomplete-products", attrs)


class MaterialBatchSelect(AutocompleteSelect):
    def __init__(self, attrs=None):
        super().__init__(
            "autocomplete-material-batches", attrs, placeholder=_("Type a batch number, material or supplier")
        )


def offer_customer_shipments(form: forms.BaseForm, field: str = "shipment") -> None:
    """Make `field` pick among the chosen customer's shipments by typing (validation still
    accepts any shipment; the form or service checks it belongs to the customer). A select
    of every shipment took 19 s to render at 20 000 shipments."""
    f = form.fields[field]
    f.queryset = f.queryset.select_related("product")
    f.widget = AutocompleteSelect(
        "autocomplete-shipments",
        f.widget.attrs,
        depends="customer",
        label=shipment_label,
        placeholder=_("Type a lot, order number or product"),
    )
    f.widget.choices = f.choices
