"""REST API of CAPA checks (/api/tickets/capa-checks/): the same service and role rules as the
pages."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import ActionPermission
from tickets.models import CapaCheck

from . import services


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
        responses={200: CapaCheckSerializer},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        check = get_object_or_404(CapaCheck, pk=pk)
        s = CapaVerifySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        check = services.capa_verify(check=check, by=request.user, **s.validated_data)
        return Response(CapaCheckSerializer(check).data)
