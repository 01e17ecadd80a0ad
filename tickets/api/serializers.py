from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import Attachment
from masterdata.models import Customer, Product, Shipment
from security.limits import TEXT_MAX

from ..forms import INTAKE_FIELDS
from ..models import Event, Photo, Ticket
from ..services import allowed_transitions
from ..sla import clocks
from ..workflow import DEPARTMENTS, TRANSITIONS


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "original_name", "size", "width", "height", "url", "created_at"]

    def get_url(self, obj) -> str:
        return reverse("tickets:photo", args=[obj.uid])


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True)
    # Plain strings: the states are already named once in the schema (StateEnum).
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    # What the system says is stored as code + params and worded in the request's language.
    text = serializers.CharField(source="shown_text", read_only=True)

    class Meta:
        model = Event
        fields = [
            "seq",
            "kind",
            "action",
            "from_state",
            "to_state",
            "text",
            "internal",
            "actor",
            "created_at",
        ]


class TechnicalReferenceSerializer(serializers.Serializer):
    step = serializers.CharField(help_text=_("The record that names it: qc_review or disposition."))
    reference = serializers.CharField(help_text=_("The standard's or drawing's number."))
    url = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()


class TicketSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True
    )
    shipment = serializers.PrimaryKeyRelatedField(
        queryset=Shipment.objects.all(), required=False, allow_null=True
    )
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    service_lead = serializers.CharField(
        source="service_lead.display_name", read_only=True, default=None, allow_null=True
    )
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    intake_token = serializers.UUIDField(required=False)
    callback_due_at = serializers.DateTimeField(required=False, write_only=True)
    callback_note = serializers.CharField(required=False, write_only=True, max_length=255)
    sla = serializers.SerializerMethodField(help_text=_("The SLA clocks: first response and resolution."))
    cc_departments = serializers.ListField(
        child=serializers.ChoiceField(choices=DEPARTMENTS),
        required=False,
        help_text=_(
            "The departments copied on the intake notification (role names). The ones the procedure "
            "names (QC, technical support; by remedy the sales manager or the project manager) are "
            "always added."
        ),
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "version",
            "customer_name",
            *INTAKE_FIELDS,
            "service_lead",
            "pm_signed",
            "production_signed",
            "followed_up",
            "customer_unsatisfied",
            "reason",
            "created_by",
            "created_at",
            "updated_at",
            "responded_at",
            "resolved_at",
            "sla",
            "intake_token",
            "callback_due_at",
            "callback_note",
        ]
        read_only_fields = [
            "responded_at",
            "resolved_at",
            "number",
            "state",
            "version",
            "pm_signed",
            "production_signed",
            "followed_up",
            "customer_unsatisfied",
            "reason",
            "created_at",
            "updated_at",
        ]

    def get_sla(self, obj) -> list[dict]:
        # Targets come annotated by the view (tickets.sla.with_targets): no query per row.
        if obj.pk is None:
            return []
        return [
            {"target": c.kind, "due_at": c.due_at, "status": c.status, "stopped_at": c.stopped_at}
            for c in clocks(obj)
        ]


class TicketDetailSerializer(TicketSerializer):
    events = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    technical_references = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "events",
            "photos",
            "allowed_actions",
            "technical_references",
        ]

    @extend_schema_field(TechnicalReferenceSerializer(many=True))
    def get_technical_references(self, obj) -> list[dict]:
        """The standards or drawings the QC reviews and disposition forms were judged against."""
        records = [
            *(("qc_review", r) for r in obj.qc_reviews.all()),
            *(("disposition", d) for d in obj.dispositions.all()),
        ]
        return [
            {
                "step": step,
                "reference": r.technical_reference,
                "url": r.technical_url,
                "recorded_at": r.created_at,
            }
            for step, r in sorted(records, key=lambda x: (x[1].created_at, x[0]))
            if r.technical_reference
        ]

    def get_events(self, obj) -> list[dict]:
        return EventSerializer(obj.events.all(), many=True).data

    def get_allowed_actions(self, obj) -> list[str]:
        return [t.name for t in allowed_transitions(obj, self.context["request"].user)]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS), help_text=_("The workflow action."))
    expected_version = serializers.IntegerField(
        required=False, help_text=_("The ticket version you saw; a different one means someone acted first.")
    )
    data = serializers.DictField(required=False, help_text=_("The action's form fields."))


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)
    internal = serializers.BooleanField(default=False)


class AttachmentSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class WatchSerializer(serializers.Serializer):
    watching = serializers.BooleanField(help_text="Whether you watch the ticket now")
    watchers = serializers.IntegerField(help_text="How many people watch it")


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="document.uid")
    kind = serializers.CharField()
    name = serializers.CharField(source="document.original_name")
    content_type = serializers.CharField(source="document.content_type")
    size = serializers.IntegerField(source="document.size")
    filed_by = serializers.CharField(source="created_by.username")
    filed_at = serializers.DateTimeField(source="created_at")
    download = serializers.SerializerMethodField()

    def get_download(self, obj) -> str:
        return reverse("documents:download", args=[obj.document.uid])


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField()
