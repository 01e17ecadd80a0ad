from django.urls import reverse
from rest_framework import serializers

from .. import services
from ..forms import DISPUTE_FIELDS
from ..models import ExportJob, Period, QualityDispute, Voucher, VoucherLine
from ..models.disputes import WriteOffCondition


class VoucherLineOut(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = VoucherLine
        fields = [
            "line_no",
            "account_code",
            "account_name",
            "side",
            "amount",
            "summary",
            "quantity",
            "unit_price",
        ]


class VoucherOut(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number")
    period = serializers.CharField()
    dispute = serializers.CharField(source="dispute.number", default=None, allow_null=True)
    # The linked complaint ticket's number, else the source document as typed.
    source_document = serializers.CharField(source="dispute.source_number", default="")
    reverses = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    lines = VoucherLineOut(many=True, read_only=True)

    class Meta:
        model = Voucher
        fields = [
            "id",
            "number",
            "period",
            "date",
            "state",
            "summary",
            "dispute",
            "source_document",
            "reverses",
            "attachments",
            "evidence_required",
            "lines",
        ]


class DisputeIn(serializers.ModelSerializer):
    """A dispute's input: the same fields as the page's form, through the same services."""

    class Meta:
        model = QualityDispute
        fields = DISPUTE_FIELDS


class DisputeSummaryOut(serializers.ModelSerializer):
    """A dispute in a list: a fixed number of queries per page (vouchers prefetched)."""

    number = serializers.CharField(read_only=True)
    source_document = serializers.CharField(source="source_number", read_only=True)
    vouchers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = QualityDispute
        fields = ["id", "number", *DISPUTE_FIELDS, "source_document", "generation", "vouchers"]
        read_only_fields = fields

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from read-only fields, so the schema would deny the "" that a
        # blank choice (no settlement, no stoppage type) shows: keep it for choice fields.
        blank = kwargs.get("allow_blank") and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank:
            kwargs["allow_blank"] = True
        return kwargs


class DisputeOut(DisputeSummaryOut):
    """One dispute, with the date fields still to enter before its remaining vouchers exist."""

    pending = serializers.SerializerMethodField()

    class Meta(DisputeSummaryOut.Meta):
        fields = [*DisputeSummaryOut.Meta.fields, "pending"]
        read_only_fields = fields

    def get_pending(self, obj) -> list[str]:
        """The date fields still to enter before the remaining vouchers are generated."""
        return [field for _pos, _draft, field in services.dispute_pending(obj)]


class DatesIn(serializers.Serializer):
    invoice_date = serializers.DateField(required=False)
    red_form_date = serializers.DateField(required=False)
    replacement_date = serializers.DateField(required=False)
    agreement_date = serializers.DateField(required=False)
    payment_date = serializers.DateField(required=False)
    judgment_date = serializers.DateField(required=False)
    write_off_date = serializers.DateField(required=False)
    write_off_condition = serializers.ChoiceField(choices=WriteOffCondition.choices, required=False)


class PeriodOut(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Period
        fields = ["id", "name", "year", "month", "status", "closed_at", "closed_by"]


class BalanceRowOut(serializers.Serializer):
    account_code = serializers.CharField()
    account_name = serializers.CharField()
    opening = serializers.DecimalField(max_digits=18, decimal_places=2)
    debit = serializers.DecimalField(max_digits=18, decimal_places=2)
    credit = serializers.DecimalField(max_digits=18, decimal_places=2)
    closing = serializers.DecimalField(max_digits=18, decimal_places=2)


class BalancesOut(serializers.Serializer):
    period = serializers.CharField()
    rows = BalanceRowOut(many=True)
    export_matches = serializers.BooleanField()
    differences = serializers.ListField(child=serializers.CharField())


class ExportIn(serializers.Serializer):
    layout = serializers.ChoiceField(choices=ExportJob.Layout.choices)
    file_format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    period = serializers.PrimaryKeyRelatedField(
        queryset=Period.objects.all(), required=False, allow_null=True
    )
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    include_reviewed = serializers.BooleanField(required=False, default=False)


class ExportOut(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "layout", "file_format", "period", "date_from", "date_to", "include_reviewed",
            "status", "total_rows", "done_rows", "progress", "error", "created_at", "sent_at", "finished_at",
            "download",
        ]  # fmt: skip

    def get_download(self, obj) -> str | None:
        if obj.status != ExportJob.Status.DONE:
            return None
        return reverse("accounting-api:export-download", args=[obj.pk])
