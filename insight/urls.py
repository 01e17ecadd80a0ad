from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("service-levels/", views.service_levels, name="service_levels"),
    path("report/", views.monthly_report, name="monthly_report"),
    path("report/pdf/", views.monthly_report_pdf, name="monthly_report_pdf"),
    path("8d/<str:number>/", views.report_8d, name="report_8d"),
    path("8d/<str:number>/pdf/", views.report_8d_pdf, name="report_8d_pdf"),
]
