from decimal import Decimal

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterdata.widgets import CustomerSelect, MaterialBatchSelect, SupplierSelect, offer_customer_shipments

from .models import ExportJob, Period, QualityDispute, SupplierClaim, VatRate
from .models.disputes import EvidenceKind

ACCEPT = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx"

DISPUTE_FIELDS = [
    "node", "outcome", "invoice_status", "booking_date",
    "customer", "shipment", "material_batch", "supplier", "source_reference",
    "supplier_claim", "lawsuit",
    "quantity", "affected_quantity", "bonus_quantity", "unit_price", "unit_cost", "vat_rate",
    "settlement", "cost_location", "stoppage_type",
    "allowance_amount", "allowance_rate", "wages", "depreciation", "supplier_recoverable",
    "compensation_to_customer", "supplier_recourse", "costs", "net_realizable_value", "prepaid_balance",
    "description", "evidence",
    "invoice_date", "red_form_date", "replacement_date", "agreement_date", "payment_date",
    "judgment_date", "write_off_date", "write_off_condition",
]  # fmt: skip
DATE_FIELDS = ["booking_date", "invoice_date", "red_form_date", "replacement_date", "agreement_date",
               "payment_date", "judgment_date", "write_off_date"]  # fmt: skip

# Shown together on the form, in this order.
GROUPS = [
    (_("Dispute"), ["node", "outcome", "invoice_status", "booking_date"]),
    (_("Source"), ["customer", "shipment", "material_batch", "supplier", "source_reference",
                   "supplier_claim", "lawsuit"]),
    (_("Quantities and prices"), ["quantity", "affected_quantity", "bonus_quantity", "unit_price",
                                   "unit_cost", "vat_rate", "settlement", "cost_location", "stoppage_type"]),
    (_("Amounts"), ["allowance_amount", "allowance_rate", "wages", "depreciation", "supplier_recoverable",
                    "compensation_to_customer", "supplier_recourse", "costs", "net_realizable_value",
                    "prepaid_balance"]),
    (_("Business dates of later vouchers"), ["invoice_date", "red_form_date", "replacement_date",
                                             "agreement_date", "payment_date", "judgment_date",
                                             "write_off_date", "write_off_condition"]),
    (_("Notes and evidence"), ["description", "evidence"]),
]  # fmt: skip


class DisputeForm(forms.ModelForm):
    class Meta:
        model = QualityDispute
        fields = DISPUTE_FIELDS
        widgets = {
            **{name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DATE_FIELDS},
            "description": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "customer": CustomerSelect(),
            "supplier": SupplierSelect(),
            "material_batch": MaterialBatchSelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rates = [(str(r.rate.normalize()), r.label) for r in VatRate.objects.filter(active=True)]
        default = VatRate.objects.filter(is_default=True).first()
        self.fields["vat_rate"] = forms.TypedChoiceField(
            label=self.fields["vat_rate"].label,
            choices=rates or [("0.13", "13%")],
            coerce=_decimal,
            initial=str(default.rate.normalize()) if default else "0.13",
        )
        if self.instance.pk:
            self.initial["vat_rate"] = str(self.instance.vat_rate.normalize())
        self.fields["unit_price"].help_text = _("Filled from the material batch on a purchase-side dispute.")
        if not self.instance.pk:  # the day it is booked, unless finance says otherwise
            self.fields["booking_date"].initial = timezone.localdate()
        offer_customer_shipments(self)
        for name, field in self.fields.items():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)
            widget.attrs.setdefault("id", f"id_{name}")

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in GROUPS]


def _decimal(value):
    return Decimal(value)


class ExportForm(forms.Form):
    layout = forms.ChoiceField(label=_("layout"), choices=ExportJob.Layout.choices)
    file_format = forms.ChoiceField(label=_("format"), choices=ExportJob.Format.choices)
    period = forms.ModelChoiceField(label=_("period"), queryset=Period.objects.all(), required=False)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    include_reviewed = forms.BooleanField(
        label=_("Also reviewed vouchers not yet posted"),
        required=False,
        help_text=_("They carry no number yet and are marked as not posted; drafts are never exported."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of evidence"), choices=EvidenceKind.choices)
    file = forms.FileField(label=_("file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["file"].widget.attrs.update(
            {
                "class": "form-control form-control-sm",
                "accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx",
            }
        )


class ClaimForm(forms.ModelForm):
    class Meta:
        model = SupplierClaim
        fields = [
            "supplier",
            "kind",
            "agreed_amount",
            "agreement_date",
            "reference",
            "material_batch",
            "ticket",
            "note",
        ]
        widgets = {
            "agreement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "supplier": SupplierSelect(),
            "material_batch": MaterialBatchSelect(),
            "ticket": forms.NumberInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"] = forms.CharField(
            label=self.fields["ticket"].label,
            required=False,
            max_length=64,
            help_text=_("Its number, e.g. KS-2026-000001."),
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_ticket(self):
        number = (self.cleaned_data.get("ticket") or "").replace("\x00", "").strip()
        if not number:
            return None
        ticket = apps.get_model("tickets", "Ticket").objects.filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(_("No complaint ticket has this number."))
        return ticket
