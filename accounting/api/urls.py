from django.urls import path

from .views import DisputePreviewView

app_name = "accounting-api"
urlpatterns = [
    path("disputes/preview/", DisputePreviewView.as_view(), name="dispute-preview"),
]
