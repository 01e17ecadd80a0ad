"""The tickets REST API: the same services and role rules as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.permissions import ActionPermission, can
from documents.selectors import attachments_of
from documents.services import attachment_add
from security.parsers import LimitedJSONParser

from .. import selectors, services
from ..errors import NotAllowed
from ..filters import TicketFilter
from ..models import Ticket
from ..sla import with_targets
from .serializers import (
    AttachmentSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    EventSerializer,
    NoteSerializer,
    PhotoSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TransitionSerializer,
    WatchSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List tickets"),
    retrieve=extend_schema(summary="One ticket with its timeline"),
    create=extend_schema(summary="Log a complaint", responses={201: TicketSerializer}),
)
class TicketViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ActionPermission.for_action("tickets.view")]
    filterset_class = TicketFilter
    search_fields = None
    ordering_fields = ["created_at", "number", "severity"]
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    parser_classes = [LimitedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Ticket.objects.none()
        if self.action == "retrieve":
            return with_targets(Ticket.objects.select_related(*selectors.LIST_RELATED)).prefetch_related(
                "events__actor", "photos"
            )
        # The API returns every field, so not the pages' narrow list query.
        return with_targets(
            Ticket.objects.select_related(*selectors.LIST_RELATED).defer("search_text", "search_grams")
        )

    def get_serializer_class(self):
        return TicketDetailSerializer if self.action == "retrieve" else TicketSerializer

    def create(self, request, *args, **kwargs):
        if not can(request.user, "tickets.create"):
            raise NotAllowed()
        serializer = TicketSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_create(by=request.user, **serializer.validated_data)
        return Response(TicketSerializer(ticket, context={"request": request}).data, status=201)

    @extend_schema(
        summary="Perform a workflow action",
        request=TransitionSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        ticket = get_object_or_404(Ticket, number=number)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        ticket = services.ticket_transition(
            ticket=ticket,
            to=v["action"],
            by=request.user,
            data=v.get("data") or {},
            expected_version=v.get("expected_version"),
        )
        return Response(TicketSerializer(ticket, context={"request": request}).data)

    @extend_schema(summary="Timeline notes", methods=["GET"], responses={200: EventSerializer(many=True)})
    @extend_schema(
        summary="Add a note",
        methods=["POST"],
        request=NoteSerializer,
        responses={201: EventSerializer},
    )
    # Paginated like every list here (the schema says so); the ticket filters do not apply.
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def notes(self, request, number=None):
        ticket = get_object_or_404(Ticket, number=number)
        if request.method == "GET":
            events = ticket.events.filter(kind="note").select_related("actor").order_by("seq")
            page = self.paginate_queryset(events)
            return self.get_paginated_response(EventSerializer(page, many=True).data)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.note_add(ticket=ticket, by=request.user, **serializer.validated_data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Watch the ticket (POST) or stop watching it (DELETE): watchers hear of every step and note",
        methods=["POST", "DELETE"],
        request=None,
        responses={200: WatchSerializer},
    )
    @action(detail=True, methods=["post", "delete"], filter_backends=[])
    def watch(self, request, number=None):
        ticket = get_object_or_404(Ticket, number=number)
        watching = services.ticket_watch(ticket=ticket, by=request.user, watching=request.method == "POST")
        return Response({"watching": watching, "watchers": ticket.watchers.count()})

    @extend_schema(
        summary="Documents filed on the ticket",
        methods=["GET"],
        responses={200: DocumentSerializer(many=True)},
    )
    @extend_schema(
        summary="File a document (signed form, test report, judgment…): type sniffed, size limited",
        methods=["POST"],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def documents(self, request, number=None):
        ticket = get_object_or_404(Ticket, number=number)
        if request.method == "GET":
            return Response(
                DocumentSerializer(attachments_of(ticket), many=True, context={"request": request}).data
            )
        s = DocumentUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        attachment = attachment_add(
            record=ticket, by=request.user, kind=s.validated_data["kind"], upload=s.validated_data["file"]
        )
        return Response(
            DocumentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Attach photos",
        request={"multipart/form-data": AttachmentSerializer},
        responses={201: PhotoSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, number=None):
        ticket = get_object_or_404(Ticket, number=number)
        photos = services.photo_add(ticket=ticket, by=request.user, photos=request.FILES.getlist("photos"))
        return Response(PhotoSerializer(photos, many=True).data, status=status.HTTP_201_CREATED)
