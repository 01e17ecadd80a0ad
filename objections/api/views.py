"""Thin API views: the querysets come from selectors, every write goes through services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActionPermission, can

from .. import selectors
from ..filters import ObjectionFilter
from ..models import ObjectionType
from ..services import (
    FindOut,
    objection_delete,
    objection_log,
    objection_update,
    quiet_contact_log,
    quiet_contact_update,
)
from .serializers import (
    ObjectionSerializer,
    ObjectionTypeSerializer,
    PlaybookSerializer,
    QuietContactSerializer,
    TrendsSerializer,
)


def _find_out(data: dict) -> FindOut | None:
    raw = data.pop("find_out", None)
    return FindOut(what=raw.get("what", ""), due_at=raw.get("due_at")) if raw else None


@extend_schema_view(
    list=extend_schema(summary="List objections: your own; the sales manager sees everyone's"),
    create=extend_schema(summary="Log an objection (idempotent with submit_token)"),
    retrieve=extend_schema(summary="One objection"),
    update=extend_schema(summary="Change your objection"),
    partial_update=extend_schema(summary="Change your objection (e.g. record the outcome)"),
    destroy=extend_schema(summary="Delete your objection"),
)
class ObjectionViewSet(viewsets.ModelViewSet):
    serializer_class = ObjectionSerializer
    permission_classes = [IsAuthenticated, ActionPermission.for_action("objections.log")]
    filterset_class = ObjectionFilter
    search_fields = ["words", "response", "customer__name", "prospect__name"]
    ordering_fields = ["created_at", "outcome_date", "id"]
    lookup_value_regex = r"[0-9]+"  # ASCII only: \d also matches "²"

    def get_queryset(self):
        return selectors.objections_visible_to(self.request.user)

    def _editable(self):
        objection = self.get_object()  # 404 unless visible
        if not can(self.request.user, "objections.edit", objection):
            raise PermissionDenied
        return objection

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        find_out = _find_out(data)
        # Refusals (Django's ValidationError, PermissionDenied) answer through apperrors.api.
        objection, created = objection_log(by=request.user, find_out=find_out, **data)
        return Response(
            self.get_serializer(objection).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def update(self, request, *args, **kwargs):
        objection = self._editable()
        serializer = self.get_serializer(objection, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        find_out = _find_out(data)
        for ignored in ("prospect_name", "prospect_phone", "submit_token"):
            data.pop(ignored, None)
        objection = objection_update(objection=objection, by=request.user, find_out=find_out, **data)
        return Response(self.get_serializer(objection).data)

    def destroy(self, request, *args, **kwargs):
        objection_delete(objection=self._editable(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Customers who raised no objection: yours; the sales manager sees everyone's"),
    create=extend_schema(summary="Mark a customer who raised no objection (idempotent with submit_token)"),
    retrieve=extend_schema(summary="One customer without objections"),
    partial_update=extend_schema(summary="Record how the sale ended"),
)
class QuietContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = QuietContactSerializer
    permission_classes = [IsAuthenticated, ActionPermission.for_action("objections.log")]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return selectors.quiet_contacts_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact, created = quiet_contact_log(by=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(contact).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def update(self, request, *args, **kwargs):
        contact = self.get_object()  # 404 unless visible; the service asks the edit rule
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for ignored in ("prospect_name", "prospect_phone", "submit_token"):
            data.pop(ignored, None)
        contact = quiet_contact_update(contact=contact, by=request.user, **data)
        return Response(self.get_serializer(contact).data)


class ObjectionTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The objection types that may be chosen (admins edit the list)."""

    serializer_class = ObjectionTypeSerializer
    queryset = ObjectionType.objects.filter(active=True)
    pagination_class = None
    filter_backends: list = []


class PlaybookView(APIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("objections.playbook")]

    @extend_schema(
        summary="Per objection type, the response techniques with their outcome rates, best first",
        parameters=[OpenApiParameter("type", OpenApiTypes.STR, description="objection type code")],
        responses=PlaybookSerializer,
    )
    def get(self, request):
        sections = selectors.playbook(type_code=request.query_params.get("type", ""))
        payload = {"min_cases": selectors.playbook_min_cases(), "sections": sections}
        return Response(PlaybookSerializer(payload).data)


class TrendsView(APIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("objections.trends")]

    @extend_schema(
        summary="Objection counts by type, stage and month, and the win rate after an objection",
        parameters=[OpenApiParameter("type", OpenApiTypes.STR), OpenApiParameter("owner", OpenApiTypes.INT)],
        responses=TrendsSerializer,
    )
    def get(self, request):
        filterset = ObjectionFilter(
            request.query_params, queryset=selectors.objections_visible_to(request.user)
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        quiet = selectors.quiet_matching(request.user, filterset.form.cleaned_data)
        return Response(TrendsSerializer(selectors.trends(objections=filterset.qs, quiet=quiet)).data)
