"""The accounting API: the whole cycle through the same services as the pages, with the same
role rules (the services check them; a refusal is 403). Errors answer in the one shape of apperrors.api."""

from django.db import transaction
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActionPermission
from apperrors.exceptions import NotFound

from .. import selectors, services
from ..models import ExportJob, Period, QualityDispute, Voucher
from ..preview import preview_text
from .serializers import (
    BalancesOut,
    DatesIn,
    DisputeIn,
    DisputeOut,
    DisputeSummaryOut,
    ExportIn,
    ExportOut,
    PeriodOut,
    VoucherOut,
)

VIEW = [IsAuthenticated, ActionPermission.for_action("accounting.view")]


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

    @extend_schema(request=DisputeIn, responses={201: DisputeOut})
    def post(self, request):
        """Open a dispute and generate its draft vouchers (as the page's save does)."""
        data = DisputeIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        booking_date = fields.pop("booking_date")
        with transaction.atomic():
            dispute = services.dispute_create(by=request.user, booking_date=booking_date, **fields)
            services.dispute_generate_vouchers(dispute=dispute, by=request.user)
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
        responses={200: DisputeOut},
        description="action: correct (body: changed fields), generate (no body) or dates (body: DatesIn).",
    )
    def post(self, request, pk: int, action: str):
        dispute = get_object_or_404(QualityDispute, pk=pk)
        if action == "generate":
            services.dispute_generate_vouchers(dispute=dispute, by=request.user)
        elif action == "correct":
            data = DisputeIn(dispute, data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            services.dispute_correct(dispute=dispute, by=request.user, **data.validated_data)
        elif action == "dates":
            data = DatesIn(data=request.data)
            data.is_valid(raise_exception=True)
            services.dispute_record_dates(dispute=dispute, by=request.user, **data.validated_data)
        else:
            raise NotFound(_("There is no such action."))
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

    @extend_schema(request=None, responses={200: VoucherOut})
    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise NotFound(_("There is no such action."))
        voucher = get_object_or_404(Voucher, pk=pk)
        result = ACTIONS[action](voucher=voucher, by=request.user)
        return Response(VoucherOut(Voucher.objects.get(pk=result.pk)).data)


class PeriodList(generics.ListAPIView):
    permission_classes = VIEW
    serializer_class = PeriodOut
    queryset = Period.objects.all()


class PeriodAction(APIView):
    """POST close / reopen (finance)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PeriodOut})
    def post(self, request, pk: int, action: str):
        service = {"close": services.period_close, "reopen": services.period_reopen}.get(action)
        if service is None:
            raise NotFound(_("There is no such action."))
        period = get_object_or_404(Period, pk=pk)
        period = service(period=period, by=request.user)
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

    @extend_schema(request=ExportIn, responses={202: ExportOut})
    def post(self, request):
        """Queue an export (posted vouchers; reviewed ones when include_reviewed; never drafts).
        The same export asked again while it is pending or running answers that job. `sent_at`
        stays empty while the background service is down; the export is written once it is back."""
        data = ExportIn(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_request(by=request.user, **data.validated_data)
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
