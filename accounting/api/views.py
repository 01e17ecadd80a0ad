from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import ActionPermission

from .. import selectors, services
from ..models import Voucher
from ..preview import preview_text
from .serializers import VoucherOut


class DisputePreviewView(APIView):
    """The preview contract over HTTP: a dispute input in, its vouchers out; nothing saved."""

    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.preview")]

    @extend_schema(
        request={"application/json": {"type": "object"}},
        responses={200: {"type": "object"}, 400: {"type": "object"}},
        examples=[
            OpenApiExample(
                "litigation costs",
                value={"node": "litigation", "outcome": "litigation_costs", "costs": "15800"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        # Read the raw body: DRF's JSON parser would turn 0.1 into a float.
        result, ok = preview_text(request.body)
        return JsonResponse(result, status=200 if ok else 400, json_dumps_params={"ensure_ascii": False})


class VoucherList(generics.ListAPIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.view")]
    serializer_class = VoucherOut
    filterset_fields = ["state", "period"]

    def get_queryset(self):
        return selectors.voucher_list().prefetch_related("lines").order_by("id")


class VoucherDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.view")]
    serializer_class = VoucherOut
    queryset = Voucher.objects.select_related("period", "dispute__ticket").prefetch_related("lines")


ACTIONS = {
    "review": services.voucher_review,
    "post": services.voucher_post,
    "reverse": services.voucher_reverse,
}


class VoucherAction(APIView):
    """POST review / post / reverse: the same services as the pages (roles checked there)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: VoucherOut})
    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            return Response({"error": "unknown action"}, status=status.HTTP_404_NOT_FOUND)
        voucher = get_object_or_404(Voucher, pk=pk)
        try:
            result = ACTIONS[action](voucher=voucher, by=request.user)
        except ValidationError as exc:
            return Response({"error": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(VoucherOut(Voucher.objects.get(pk=result.pk)).data)
