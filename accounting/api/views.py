"""The accounting API: the whole cycle through the same services as the pages, with the same
role rules (the services check them; a refusal is 403). Errors: {"error", "field", "errors"}."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActionPermission

from .. import selectors, services
from ..models import ExportJob, Period, QualityDispute, Voucher
from ..preview import preview_text
from .serializers import (
    BalancesOut,
    DatesIn,
    DisputeIn,
    DisputeOut,
    DisputeSummaryOut,
    ErrorOut,
    ExportIn,
    ExportOut,
    PeriodOut,
    VoucherOut,
)

VIEW = [IsAuthenticated, ActionPermission.for_action("accounting.view")]
ERRORS = {400: ErrorOut, 403: OpenApiResponse(description="Your role does not allow this."), 404: None}


def error_response(exc: ValidationError) -> Response:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    field = next((f for f in errors if f != "__all__"), None)
    message = " ".join(m for msgs in errors.values() for m in msgs)
    return Response({"error": message, "field": field, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def serializer_error(errors: dict) -> Response:
    flat = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()}
    field = next(iter(flat), None)
    message = " ".join(m for msgs in flat.values() for m in msgs)
    return Response(
        {"error": message, "field": None if field == "non_field_errors" else field, "errors": flat},
        status=status.HTTP_400_BAD_REQUEST,
    )


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


class DisputeList(generics.ListAPIView):
    permission_classes = VIEW
    serializer_class = DisputeSummaryOut
    filterset_fields = ["node", "outcome", "invoice_status"]

    def get_queryset(self):
        return selectors.dispute_list().prefetch_related("vouchers").order_by("id")

    @extend_schema(request=DisputeIn, responses={201: DisputeOut, **ERRORS})
    def post(self, request):
        """Open a dispute and generate its draft vouchers (as the page's save does)."""
        data = DisputeIn(data=request.data)
        if not data.is_valid():
            return serializer_error(data.errors)
        fields = dict(data.validated_data)
        booking_date = fields.pop("booking_date")
        try:
            with transaction.atomic():
                dispute = services.dispute_create(by=request.user, booking_date=booking_date, **fields)
                services.dispute_generate_vouchers(dispute=dispute, by=request.user)
        except ValidationError as exc:
            return error_response(exc)
        return Response(DisputeOut(dispute).data, status=status.HTTP_201_CREATED)


class DisputeDetail(generics.RetrieveAPIView):
    permission_classes = VIEW
    serializer_class = DisputeOut

    def get_queryset(self):
        return selectors.dispute_list()


class DisputeAction(APIView):
    """POST correct (new figures: posted vouchers reversed, the rest rebooked), generate, or
    dates (enter an event's date; the vouchers waiting for it are generated)."""

    permission_classes = VIEW

    @extend_schema(
        operation_id="accounting_disputes_action",
        request=DisputeIn,
        responses={200: DisputeOut, **ERRORS},
        description="action: correct (body: changed fields), generate (no body) or dates (body: DatesIn).",
    )
    def post(self, request, pk: int, action: str):
        dispute = get_object_or_404(QualityDispute, pk=pk)
        try:
            if action == "generate":
                services.dispute_generate_vouchers(dispute=dispute, by=request.user)
            elif action == "correct":
                data = DisputeIn(dispute, data=request.data, partial=True)
                if not data.is_valid():
                    return serializer_error(data.errors)
                services.dispute_correct(dispute=dispute, by=request.user, **data.validated_data)
            elif action == "dates":
                data = DatesIn(data=request.data)
                if not data.is_valid():
                    return serializer_error(data.errors)
                services.dispute_record_dates(dispute=dispute, by=request.user, **data.validated_data)
            else:
                return Response({"error": "unknown action", "field": None, "errors": {}}, status=404)
        except ValidationError as exc:
            return error_response(exc)
        return Response(DisputeOut(QualityDispute.objects.get(pk=pk)).data)


class VoucherList(generics.ListAPIView):
    permission_classes = VIEW
    serializer_class = VoucherOut
    filterset_fields = ["state", "period"]

    def get_queryset(self):
        return selectors.voucher_list().prefetch_related("lines").order_by("id")


class VoucherDetail(generics.RetrieveAPIView):
    permission_classes = VIEW
    serializer_class = VoucherOut
    queryset = Voucher.objects.select_related("period", "dispute__ticket").prefetch_related("lines")


ACTIONS = {
    "review": services.voucher_review,
    "unreview": services.voucher_unreview,
    "post": services.voucher_post,
    "reverse": services.voucher_reverse,
}


class VoucherAction(APIView):
    """POST review / unreview / post / reverse: the same services as the pages (roles checked there)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: VoucherOut, **ERRORS})
    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            return Response({"error": "unknown action", "field": None, "errors": {}}, status=404)
        voucher = get_object_or_404(Voucher, pk=pk)
        try:
            result = ACTIONS[action](voucher=voucher, by=request.user)
        except ValidationError as exc:
            return error_response(exc)
        return Response(VoucherOut(Voucher.objects.get(pk=result.pk)).data)


class PeriodList(generics.ListAPIView):
    permission_classes = VIEW
    serializer_class = PeriodOut
    queryset = Period.objects.all()


class PeriodAction(APIView):
    """POST close / reopen (finance)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PeriodOut, **ERRORS})
    def post(self, request, pk: int, action: str):
        service = {"close": services.period_close, "reopen": services.period_reopen}.get(action)
        if service is None:
            return Response({"error": "unknown action", "field": None, "errors": {}}, status=404)
        period = get_object_or_404(Period, pk=pk)
        try:
            period = service(period=period, by=request.user)
        except ValidationError as exc:
            return error_response(exc)
        return Response(PeriodOut(period).data)


class PeriodBalances(APIView):
    """The month-end 科目发生额及余额表 and whether the period's exported lines add up to it."""

    permission_classes = VIEW

    @extend_schema(responses={200: BalancesOut, 404: None})
    def get(self, request, pk: int):
        period = get_object_or_404(Period, pk=pk)
        rows = selectors.period_balances(period)
        differences = selectors.export_check(period, rows)
        data = {
            "period": str(period),
            "rows": [
                {
                    "account_code": r.account_code,
                    "account_name": r.account_name,
                    "opening": r.opening,
                    "debit": r.debit,
                    "credit": r.credit,
                    "closing": r.closing,
                }
                for r in rows
            ],
            "export_matches": not differences,
            "differences": differences,
        }
        return Response(BalancesOut(data).data)


class ExportStart(APIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.export")]

    @extend_schema(request=ExportIn, responses={202: ExportOut, **ERRORS})
    def post(self, request):
        """Queue an export (posted vouchers; reviewed ones when include_reviewed; never drafts)."""
        data = ExportIn(data=request.data)
        if not data.is_valid():
            return serializer_error(data.errors)
        try:
            job = services.export_request(by=request.user, **data.validated_data)
        except ValidationError as exc:
            return error_response(exc)
        return Response(ExportOut(job).data, status=status.HTTP_202_ACCEPTED)


class ExportDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.export")]
    serializer_class = ExportOut
    queryset = ExportJob.objects.all()


class ExportDownload(APIView):
    permission_classes = [IsAuthenticated, ActionPermission.for_action("accounting.export")]

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 404: None})
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob, pk=pk, status=ExportJob.Status.DONE)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
        )
