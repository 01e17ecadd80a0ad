"""The API root (/api/). Each app includes its own routes here."""

from django.urls import include, path

from security.api import ObtainExpiringToken, RevokeToken

urlpatterns = [
    path("auth/token/", ObtainExpiringToken.as_view(), name="api-token"),
    path("auth/logout/", RevokeToken.as_view(), name="api-token-revoke"),
    path("tickets/", include("tickets.api.urls")),
    path("objections/", include("objections.api.urls")),
    path("accounting/", include("accounting.api.urls")),
    path("promises/", include("promises.api_urls")),
    path("phrases/", include("phrases.api_urls")),
]
