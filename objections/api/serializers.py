from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from masterdata.models import Customer

from ..models import Objection, ObjectionType, Prospect, QuietContact


class ObjectionTypeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ObjectionType
        fields = ["code", "name", "name_en", "label", "sort_order", "active"]


class ProspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prospect
        fields = ["id", "name", "phone", "customer"]


class FindOutSerializer(serializers.Serializer):
    what = serializers.CharField(label=_("What to find out"), allow_blank=True, max_length=255)
    due_at = serializers.DateTimeField(label=_("Answer by"), allow_null=True)


class ObjectionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), allow_null=True, required=False
    )
    prospect = ProspectSerializer(read_only=True, allow_null=True)
    prospect_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128)
    prospect_phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=32)
    type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ObjectionType.objects.all(),
        error_messages={"does_not_exist": _("Choose an objection type from the list.")},
    )
    find_out = FindOutSerializer(
        write_only=True,
        required=False,
        allow_null=True,
        help_text=_("\"I don't know — I'll find out by …\": creates a promise with this due time."),
    )
    submit_token = serializers.UUIDField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text=_("Send the same token again and the first objection is returned; nothing is saved twice."),
    )

    class Meta:
        model = Objection
        fields = [
            "id",
            "owner",
            "owner_name",
            "customer",
            "prospect",
            "prospect_name",
            "prospect_phone",
            "stage",
            "words",
            "type",
            "genuineness",
            "hidden_belief",
            "cause",
            "technique",
            "response",
            "lesson",
            "outcome",
            "outcome_date",
            "find_out",
            "submit_token",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Cross-field rules are the service's; the API only checks shapes here.
        extra_kwargs = {
            "words": {"allow_blank": True},
            "hidden_belief": {"allow_blank": True},
            "lesson": {"help_text": _("Required when the outcome is lost: what we learned from it.")},
        }


class QuietContactSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), allow_null=True, required=False
    )
    prospect = ProspectSerializer(read_only=True, allow_null=True)
    prospect_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128)
    prospect_phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=32)
    submit_token = serializers.UUIDField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text=_("Send the same token again and the first entry is returned; nothing is saved twice."),
    )

    class Meta:
        model = QuietContact
        fields = [
            "id",
            "owner",
            "owner_name",
            "customer",
            "prospect",
            "prospect_name",
            "prospect_phone",
            "stage",
            "note",
            "outcome",
            "outcome_date",
            "submit_token",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class PlaybookRowSerializer(serializers.Serializer):
    technique = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()
    won = serializers.IntegerField()
    resolved = serializers.IntegerField()
    lost = serializers.IntegerField()
    success_rate = serializers.FloatField()
    examples = serializers.ListField(child=serializers.CharField())


class LessonSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner_name = serializers.CharField()
    date = serializers.DateField()


class PlaybookSectionSerializer(serializers.Serializer):
    type = ObjectionTypeSerializer()
    rows = PlaybookRowSerializer(many=True)
    thin_responses = serializers.IntegerField(help_text=_("Responses left out: too few closed cases."))
    thin_cases = serializers.IntegerField()
    lessons = LessonSerializer(many=True, help_text=_("The latest lessons of lost objections of this type."))
    unrated = PlaybookRowSerializer(
        many=True, help_text=_("Responses with too few closed cases to rate, with the answers that worked.")
    )


class PlaybookSerializer(serializers.Serializer):
    min_cases = serializers.IntegerField()
    sections = PlaybookSectionSerializer(many=True)


class TrendRowSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    won = serializers.IntegerField()
    closed = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True)


class TrendGroupSerializer(TrendRowSerializer):
    code = serializers.CharField()
    label = serializers.CharField()


class TrendMonthSerializer(TrendRowSerializer):
    month = serializers.CharField()


class SaleEndsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    pending = serializers.IntegerField()
    closed = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True)


class QuietTotalSerializer(SaleEndsSerializer):
    share = serializers.FloatField(
        allow_null=True, help_text=_("Customers without objections ÷ (those + objections logged).")
    )


class RaisedEndsSerializer(SaleEndsSerializer):
    resolved = serializers.IntegerField()


class QuietMonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    quiet = serializers.IntegerField()
    objections = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class QuietTrendsSerializer(serializers.Serializer):
    total = QuietTotalSerializer()
    with_objection = RaisedEndsSerializer()
    by_month = QuietMonthSerializer(many=True)


class TrendsSerializer(serializers.Serializer):
    total = TrendRowSerializer()
    by_type = TrendGroupSerializer(many=True)
    by_stage = TrendGroupSerializer(many=True)
    by_month = TrendMonthSerializer(many=True)
    quiet = QuietTrendsSerializer(help_text=_("Customers who raised no objection (§1-三.5)."))
