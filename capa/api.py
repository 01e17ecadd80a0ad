"""REST API of CAPA checks (/api/tickets/capa-checks/) and installations
(/api/tickets/installations/): the same services and role rules as the pages."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import ActionPermission
from masterdata.models import Customer, Shipment

from .. import capa, commissioning
from ..errors import TicketError
from ..models import CapaCheck, Installation, InstallationIssue, Ticket
from .views import REFUSED, refused

# -- serializers -----------------------------------------------------------------------------


class CapaCheckSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    verified_by = serializers.CharField(
        source="verified_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = CapaCheck
        fields = [
            "id",
            "ticket",
            "corrective_action",
            "preventive_action",
            "due_on",
            "status",
            "result_note",
            "verified_by",
            "verified_at",
            "created_at",
        ]
        read_only_fields = fields


class CapaVerifySerializer(serializers.Serializer):
    effective = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, allow_blank=True)


class IssueSerializer(serializers.ModelSerializer):
    is_fixed = serializers.BooleanField(read_only=True)

    class Meta:
        model = InstallationIssue
        fields = [
            "id",
            "description",
            "handling",
            "conference_participants",
            "conference_at",
            "resolution",
            "is_fixed",
            "fixed_at",
            "created_at",
        ]
        read_only_fields = ["id", "is_fixed", "fixed_at", "created_at"]
        extra_kwargs = {"resolution": {"required": False}, "description": {"allow_blank": True}}


class InstallationSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    ticket = serializers.SlugRelatedField(
        slug_field="number", queryset=Ticket.objects.all(), required=False, allow_null=True
    )
    shipment = serializers.PrimaryKeyRelatedField(
        queryset=Shipment.objects.all(), required=False, allow_null=True
    )
    issues = IssueSerializer(many=True, read_only=True)

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
            "pm_signed_at",
            "production_signed_at",
            "verified_at",
            "verification_note",
            "created_at",
            "issues",
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
    resolution = serializers.CharField(allow_blank=True)


class SignSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(choices=["project", "production"])
    rectification = serializers.CharField(required=False, allow_blank=True)


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)


# -- filters ---------------------------------------------------------------------------------


class CapaFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CapaCheck.Status.choices)
    ticket = django_filters.CharFilter(field_name="ticket__number")
    customer = django_filters.NumberFilter(field_name="ticket__customer_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due = django_filters.BooleanFilter(method="filter_due", label="scheduled and due today or earlier")

    class Meta:
        model = CapaCheck
        fields = ["status", "ticket", "customer", "due_before", "due_after", "due"]

    def filter_due(self, qs, name, value):
        due = {"status": CapaCheck.Status.SCHEDULED, "due_on__lte": timezone.localdate()}
        return qs.filter(**due) if value else qs.exclude(**due)


class InstallationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Installation.Status.choices)
    customer = django_filters.NumberFilter(field_name="customer_id")
    ticket = django_filters.CharFilter(field_name="ticket__number")

    class Meta:
        model = Installation
        fields = ["status", "customer", "ticket"]


# -- views -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List CAPA effectiveness checks"),
    retrieve=extend_schema(summary="One CAPA effectiveness check"),
)
class CapaCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ActionPermission.for_action("tickets.capa_view")]
    serializer_class = CapaCheckSerializer
    filterset_class = CapaFilter
    ordering_fields = ["due_on", "verified_at"]
    queryset = CapaCheck.objects.select_related("ticket", "verified_by").order_by("due_on", "id")

    @extend_schema(
        summary="Record the result (QC); not effective reopens the ticket",
        request=CapaVerifySerializer,
        responses={200: CapaCheckSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        check = get_object_or_404(CapaCheck, pk=pk)
        s = CapaVerifySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            check = capa.capa_verify(check=check, by=request.user, **s.validated_data)
        except TicketError as exc:
            return refused(exc)
        return Response(CapaCheckSerializer(check).data)


@extend_schema_view(
    list=extend_schema(summary="List installations"),
    retrieve=extend_schema(summary="One installation with its issue list"),
    create=extend_schema(
        summary="Record an installation", responses={201: InstallationSerializer, **REFUSED}
    ),
)
class InstallationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ActionPermission.for_action("tickets.installation_view")]
    serializer_class = InstallationSerializer
    filterset_class = InstallationFilter
    ordering_fields = ["created_at"]
    queryset = (
        Installation.objects.select_related("customer", "ticket").prefetch_related("issues").order_by("-id")
    )

    def _reply(self, call, serializer_class, status=200):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        try:
            call(s.validated_data)
        except TicketError as exc:
            return refused(exc)
        inst = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(InstallationSerializer(inst).data, status=status)

    def create(self, request, *args, **kwargs):
        s = InstallationSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            inst = commissioning.installation_create(by=request.user, **s.validated_data)
        except TicketError as exc:
            return refused(exc)
        return Response(InstallationSerializer(inst).data, status=201)

    @extend_schema(
        summary="Add an issue (fixed on site, or raised by phone conference)",
        request=IssueSerializer,
        responses={201: InstallationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def issues(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: commissioning.installation_issue_add(installation=inst, by=request.user, **d),
            IssueSerializer,
            status=201,
        )

    @extend_schema(
        summary="Mark an issue raised by phone conference as fixed",
        request=FixSerializer,
        responses={200: InstallationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path=r"issues/(?P<issue>[0-9]+)/fix")
    def fix(self, request, pk=None, issue=None):
        row = get_object_or_404(InstallationIssue, pk=issue, installation_id=pk)
        return self._reply(
            lambda d: commissioning.installation_issue_fix(issue=row, by=request.user, **d), FixSerializer
        )

    @extend_schema(
        summary="Sign the rectification record (project or production manager)",
        request=SignSerializer,
        responses={200: InstallationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: commissioning.installation_sign(installation=inst, by=request.user, **d), SignSerializer
        )

    @extend_schema(
        summary="QC verifies the signed rectification",
        request=VerifySerializer,
        responses={200: InstallationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        inst = get_object_or_404(Installation, pk=pk)
        return self._reply(
            lambda d: commissioning.installation_verify(installation=inst, by=request.user, **d),
            VerifySerializer,
        )
