from django.urls import path

from . import views

app_name = "accounting-api"
urlpatterns = [
    path("disputes/", views.DisputeList.as_view(), name="dispute-list"),
    path("disputes/preview/", views.DisputePreviewView.as_view(), name="dispute-preview"),
    path("disputes/<int:pk>/", views.DisputeDetail.as_view(), name="dispute-detail"),
    path("disputes/<int:pk>/<str:action>/", views.DisputeAction.as_view(), name="dispute-action"),
    path("vouchers/", views.VoucherList.as_view(), name="voucher-list"),
    path("vouchers/<int:pk>/", views.VoucherDetail.as_view(), name="voucher-detail"),
    path("vouchers/<int:pk>/<str:action>/", views.VoucherAction.as_view(), name="voucher-action"),
    path("periods/", views.PeriodList.as_view(), name="period-list"),
    path("periods/<int:pk>/balances/", views.PeriodBalances.as_view(), name="period-balances"),
    path("periods/<int:pk>/<str:action>/", views.PeriodAction.as_view(), name="period-action"),
    path("exports/", views.ExportStart.as_view(), name="export-start"),
    path("exports/<int:pk>/", views.ExportDetail.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", views.ExportDownload.as_view(), name="export-download"),
]
