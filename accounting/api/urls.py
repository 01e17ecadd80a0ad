from django.urls import path

from .views import DisputePreviewView, VoucherAction, VoucherDetail, VoucherList

app_name = "accounting-api"
urlpatterns = [
    path("disputes/preview/", DisputePreviewView.as_view(), name="dispute-preview"),
    path("vouchers/", VoucherList.as_view(), name="voucher-list"),
    path("vouchers/<int:pk>/", VoucherDetail.as_view(), name="voucher-detail"),
    path("vouchers/<int:pk>/<str:action>/", VoucherAction.as_view(), name="voucher-action"),
]
