from rest_framework import serializers

from ..models import Voucher, VoucherLine


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
            "lines",
        ]
