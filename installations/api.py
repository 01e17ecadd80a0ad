"""REST API of installations (/api/tickets/installations/): the same services and role rules
as the pages."""

import django_filters
from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import ActionPermission
from masterdata.models import Customer, Shipment
from security.limits import TEXT_MAX
from tickets.models import Installation, InstallationEvent, InstallationIssue, Ticket

from . import services


class IssueSerializer(serializers.ModelSerializer):
    """An issue. `source` is required (no default): quality failure, design not meeting the
    need, or customer improvement request; an open improvement does not block the signatures.
    Raised by phone conference: `conference_users` (user ids) and/or `conference_participants`
    (names from outside), `conference_at`, `conference_decision`."""

    is_fixed = serializers.BooleanField(read_only=True)
    blocks_signing = serializers.BooleanField(read_only=True)
    closed_by_qc = serializers.BooleanField(read_only=True)
    conference_users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    fixed_by = serializers.CharField(source="fixed_by.display_name", read_only=True, default=None)

    class Meta:
        model = InstallationIssue
        fields = [
            "id",
            "description",
            "source",
            "handling",
            "conference_users",
            "conference_participants",
            "conference_at",
            "conference_decision",
            "resolution",
            "is_fixed",
            "blocks_signing",
            "closed_by_qc",
            "fixed_by",
            "fixed_at",
            "created_at",
        ]
        read_only_fields = ["id", "is_fixed", "fixed_at", "created_at"]
        extra_kwargs = {
            "resolution": {"required": False, "max_length": TEXT_MAX},
            "description": {"allow_blank": True, "max_length": TEXT_MAX},
            "conference_decision": {"required": False, "max_length": TEXT_MAX},
        }


class InstallationEventSerializer(serializers.ModelSerializer):
    """A line of the installation's timeline."""

    actor = serializers.CharField(source="actor.display_name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = InstallationEvent
        fields = ["id", "kind", "kind_display", "issue", "text", "actor", "created_at"]
        read_only_fields = fields


class InstallationSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    ticket = serializers.SlugRelatedField(
        slug_field="number", queryset=Ticket.objects.all(), required=False, allow_null=True
    )
    shipment = serializers.PrimaryKeyRelatedField(
        queryset=Shipment.objects.all(), required=False, allow_null=True
    )
    issues = IssueSerializer(many=True, read_only=True)
    events = InstallationEventSerializer(many=True, read_only=True)
    pm_signed_by = serializers.CharField(source="pm_signed_by.display_name", read_only=True, default=None)
    production_signed_by = serializers.CharField(
        source="production_signed_by.display_name", read_only=True, default=None
    )
    verified_by = serializers.CharField(source="verified_by.display_name", read_only=True, default=None)

    class Meta:
        model = Installation
        fields = [
            "id",
            "customer",
            "ticket",
            "shipment",
            "title",
            "site",
            "status",
            "rectification",
            "pm_signed_by",
            "pm_signed_at",
            "production_signed_by",
            "production_signed_at",
            "verified_by",
            "verified_at",
            "verification_note",
            "created_at",
            "issues",
            "events",
        ]
        read_only_fields = [
            "status",
            "rectification",
            "pm_signed_at",
            "production_signed_at",
            "verified_at",
            "verification_note",
            "created_at",
        ]
        extra_kwargs = {"title": {"allow_blank": True}}


class FixSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class SignSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(choices=["project", "production"])
    rectification = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class InstallationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Installation.Status.choices)
    customer = django_filters.NumberFilter(field_name="customer_id")
    ticket = django_filters.CharFilter(field_name="ticket__number")
    improvements_open = django_filters.BooleanFilter(
        method="filter_improvements_open", label="has customer improvement requests still open"
    )

    class Meta:
        model = Installation
        fields = ["status", "customer", "ticket", "improvements_open"]

    def filter_improvements_open(self, queryset, name, value):
        open_ones = InstallationIssue.objects.filter(
            installation=OuterRef("pk"), source=InstallationIssue.Source.IMPROVEMENT, fixed_at__isnull=True
        )
        return queryset.filter(Exists(open_ones) if value else ~Exists(open_ones))


@extend_schema_view(
    list=extend_schema(summary="List installations"),
    retrieve=extend_schema(summary="One installation with its issue list"),
    create=extend_schema(summary="Record an installation", responses={201: InstallationSerializer}),
)
class InstallationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ActionPermission.for_action("tickets.installation_view")]
    serializer_class = InstallationSerializer
    filterset_class = InstallationFilter
    ordering_fields = ["created_at"]
    queryset = (
        Installation.objects.select_related(
            "customer", "ticket", "pm_signed_by", "production_signed_by", "verified_by"
        )
        .prefetch_related(
            "issues__fixed_by",
            "issues__conference_users",
            Prefetch("events", queryset=InstallationEvent.objects.select_related("actor")),
        )
        .order_by("-id")
    )

    def _reply(self, call, serializer_class, status=200):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        call(s.validated_data)
        inst = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(InstallationSerializer(inst).data, status=status)

    def create(self, request, *args, **kwargs):
        s = InstallationSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        inst = services.installation_create(by=request.user, **s.validated_data)
        return Response(InstallationSerializer(inst).data, status=201)

    @extend_schema(
        summary="Add an issue (fixed on site, or raised by phone conference) with its source",
        request=IssueSerializer,
        responses={201: InstallationSerializer},
    )
    @action(detail=True, methods=["post"])
    def issues(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: services.installation_issue_add(installation=inst, by=request.user, **d),
            IssueSerializer,
            status=201,
        )

    @extend_schema(
        summary="Mark an issue raised by phone conference as fixed",
        request=FixSerializer,
        responses={200: InstallationSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"issues/(?P<issue>[0-9]+)/fix")
    def fix(self, request, pk=None, issue=None):
        row = get_object_or_404(InstallationIssue, pk=issue, installation_id=pk)
        return self._reply(
            lambda d: services.installation_issue_fix(issue=row, by=request.user, **d), FixSerializer
        )

    @extend_schema(
        summary="QC closes a customer improvement request left open after both signatures",
        request=CloseSerializer,
        responses={200: InstallationSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"issues/(?P<issue>[0-9]+)/close")
    def close(self, request, pk=None, issue=None):
        row = get_object_or_404(InstallationIssue, pk=issue, installation_id=pk)
        return self._reply(
            lambda d: services.installation_improvement_close(issue=row, by=request.user, **d),
            CloseSerializer,
        )

    @extend_schema(
        summary="Sign the rectification record (project or production manager)",
        request=SignSerializer,
        responses={200: InstallationSerializer},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: services.installation_sign(installation=inst, by=request.user, **d), SignSerializer
        )

    @extend_schema(
        summary="QC verifies the signed rectification",
        request=VerifySerializer,
        responses={200: InstallationSerializer},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: services.installation_verify(installation=inst, by=request.user, **d),
            VerifySerializer,
        )
