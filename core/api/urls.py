"""The API root. Each app includes its own routes here."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("tickets/", include("tickets.api.urls")),
    path("objections/", include("objections.api.urls")),
    path("accounting/", include("accounting.api.urls")),
]
