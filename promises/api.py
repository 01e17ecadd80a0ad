"""REST API of promises (/api/promises/): my promises, a call-back promised on a complaint,
closing and agreeing a new time — the same services and rules as the pages."""

from django.apps import apps
from django.db.models import Case, IntegerField, When
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import ActionPermission
from security.limits import TEXT_MAX

from . import services
from .models import Commitment


class CommitmentSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    ticket = serializers.SerializerMethodField()
    rescheduled_to = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "owner",
            "customer",
            "ticket",
            "description",
            "due_at",
            "status",
            "outcome_note",
            "closed_at",
            "rescheduled_from",
            "rescheduled_to",
            "created_at",
        ]
        read_only_fields = fields

    def get_ticket(self, obj) -> str | None:
        """The complaint's number when the promise was made on one."""
        source = obj.source if obj.source_id else None
        return getattr(source, "number", None)


class PromiseSerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=20, help_text="The complaint's number, e.g. KS-2026-0001")
    description = serializers.CharField(max_length=255)
    due_at = serializers.DateTimeField()

    def validate_ticket(self, value: str):
        ticket = apps.get_model("tickets", "Ticket").objects.filter(number=value).first()
        if ticket is None:
            raise serializers.ValidationError(_("No complaint has this number."))
        return ticket


class PromiseCloseSerializer(serializers.Serializer):
    kept = serializers.BooleanField()
    outcome_note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class PromiseRescheduleSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    agreement = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="My promises, open first"),
    retrieve=extend_schema(summary="One of my promises"),
)
class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CommitmentSerializer
    permission_classes = [IsAuthenticated, ActionPermission.for_action("commitments.view")]
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (
            Commitment.objects.filter(owner=self.request.user)
            .select_related("owner", "source_type", "rescheduled_to")
            .order_by(
                Case(When(status=Commitment.Status.OPEN, then=0), default=1, output_field=IntegerField()),
                "due_at",
                "id",
            )
        )

    def _answer(self, commitment: Commitment, status: int = 200) -> Response:
        return Response(CommitmentSerializer(commitment).data, status=status)

    @extend_schema(
        summary="Promise the customer a call-back on a complaint",
        request=PromiseSerializer,
        responses={201: CommitmentSerializer},
    )
    def create(self, request):
        s = PromiseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        made = services.commitment_promise(
            source=d["ticket"], by=request.user, description=d["description"], due_at=d["due_at"]
        )
        return self._answer(made, 201)

    @extend_schema(summary="Close a promise: kept or broken", request=PromiseCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        s = PromiseCloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        commitment = self._any(pk)
        return self._answer(
            services.commitment_close(commitment=commitment, by=request.user, **s.validated_data)
        )

    @extend_schema(
        summary="Agree a new time with the customer: closes this promise, returns the new one",
        request=PromiseRescheduleSerializer,
        responses={201: CommitmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        s = PromiseRescheduleSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        commitment = self._any(pk)
        new = services.commitment_reschedule(commitment=commitment, by=request.user, **s.validated_data)
        return self._answer(new, 201)

    def _any(self, pk) -> Commitment:
        """Closing and rescheduling also reach the promises of the people one manages: the
        service's rule decides (403), not the owner filter of the list (404)."""
        return get_object_or_404(Commitment, pk=pk)
