from django.urls import path

from . import report_job_views, views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("service-levels/", views.service_levels, name="service_levels"),
    path("report/", views.monthly_report, name="monthly_report"),
    path("report/pdf/", report_job_views.monthly_report_pdf, name="monthly_report_pdf"),
    path("8d/<str:number>/", views.report_8d, name="report_8d"),
    path("8d/<str:number>/pdf/", report_job_views.report_8d_pdf, name="report_8d_pdf"),
    path("pdfs/<int:pk>/", report_job_views.report_job, name="report_job"),
    path("pdfs/<int:pk>/download/", report_job_views.report_job_download, name="report_job_download"),
    path("pdfs/<int:pk>/retry/", report_job_views.report_job_retry, name="report_job_retry"),
]
