from django.urls import path

from . import views

app_name = "accounting"
urlpatterns = [
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/new/", views.dispute_create, name="dispute_create"),
    path("disputes/preview/", views.dispute_preview, name="dispute_preview"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path("disputes/<int:pk>/generate/", views.dispute_generate, name="dispute_generate"),
    path("disputes/<int:pk>/dates/", views.dispute_dates, name="dispute_dates"),
    path("disputes/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("disputes/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path(
        "disputes/<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"
    ),
    path("disputes/<int:pk>/<str:action>-all/", views.dispute_bulk, name="dispute_bulk"),
    path("claims/", views.claim_list, name="claim_list"),
    path("vouchers/", views.voucher_list, name="voucher_list"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("vouchers/<int:pk>/<str:action>/", views.voucher_action, name="voucher_action"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:pk>/balances/", views.period_balances, name="period_balances"),
    path("periods/<int:pk>/<str:action>/", views.period_action, name="period_action"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/jobs/", views.export_jobs, name="export_jobs"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
