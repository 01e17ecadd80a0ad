"""REST API of the reply-template library (/api/phrases/): read them, filled for a complaint
with ?ticket=<number>; add and change them through the same service as the pages."""

from django.apps import apps
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import ActionPermission
from security.limits import TEXT_MAX

from .models import ReplyTemplate
from .placeholders import fill
from .services import reply_template_save


class ReplyTemplateSerializer(serializers.ModelSerializer):
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=TEXT_MAX)
    filled = serializers.SerializerMethodField()

    class Meta:
        model = ReplyTemplate
        fields = ["id", "title", "use", "body", "active", "updated_at", "filled"]
        read_only_fields = ["id", "updated_at", "filled"]

    def get_filled(self, obj) -> str | None:
        """The text filled from the complaint given as ?ticket= (absent without one)."""
        record = self.context.get("record")
        return fill(obj.body, record, self.context["request"].user) if record is not None else None


TICKET = OpenApiParameter("ticket", OpenApiTypes.STR, description="Fill the texts from this complaint")


@extend_schema_view(
    list=extend_schema(summary="Reply templates in use", parameters=[TICKET]),
    retrieve=extend_schema(summary="One reply template", parameters=[TICKET]),
    create=extend_schema(summary="Add a reply template"),
    partial_update=extend_schema(summary="Change a reply template"),
)
class ReplyTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReplyTemplateSerializer
    permission_classes = [ActionPermission.for_action("phrases.view")]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        rows = ReplyTemplate.objects.order_by("use", "title")
        return rows if self.action != "list" else rows.filter(active=True)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        number = self.request.query_params.get("ticket")
        if number:
            context["record"] = get_object_or_404(apps.get_model("tickets", "Ticket"), number=number[:20])
        return context

    def create(self, request, *args, **kwargs):
        s = ReplyTemplateSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        row = reply_template_save(by=request.user, **s.validated_data)
        return Response(ReplyTemplateSerializer(row, context=self.get_serializer_context()).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        s = ReplyTemplateSerializer(
            row, data=request.data, partial=True, context=self.get_serializer_context()
        )
        s.is_valid(raise_exception=True)
        d = {"title": row.title, "use": row.use, "body": row.body, "active": row.active, **s.validated_data}
        row = reply_template_save(by=request.user, template=row, **d)
        return Response(ReplyTemplateSerializer(row, context=self.get_serializer_context()).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
