from django.http import JsonResponse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from core.permissions import ActionPermission

from ..preview import preview_text


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
