from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import healthz
from masterdata import views as masterdata_views
from notify import views as notify_views
from promises import views as promises_views
from ui import views as ui_views


def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever the page says: send them to the icon."""
    return redirect(static_url("img/favicon.svg"))


urlpatterns = [
    path("", ui_views.home, name="home"),
    path("favicon.ico", favicon),
    path("healthz", healthz.healthz, name="healthz"),
    path("promises/", promises_views.commitment_list, name="commitments"),
    path("promises/<int:pk>/close/", promises_views.commitment_close_view, name="commitment-close"),
    path("promises/team/", promises_views.commitment_team, name="commitment-team"),
    path(
        "promises/<int:pk>/reschedule/",
        promises_views.commitment_reschedule_view,
        name="commitment-reschedule",
    ),
    path("promises/on/<str:source>/<int:pk>/", promises_views.commitment_make_view, name="commitment-make"),
    path("notifications/", notify_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notify_views.notification_open, name="notification-open"),
    path("notifications/<int:pk>/read/", notify_views.notification_read, name="notification-read"),
    path("notifications/read/", notify_views.notification_read, name="notification-read-all"),
    path("notifications/menu/", notify_views.notification_menu, name="notification-menu"),
    path("notifications/settings/", notify_views.notification_settings, name="notification-settings"),
    path(
        "notifications/settings/robots/<int:pk>/remove/",
        notify_views.personal_robot_remove_view,
        name="personal-robot-remove",
    ),
    path("autocomplete/customers/", masterdata_views.autocomplete_customers, name="autocomplete-customers"),
    path("autocomplete/suppliers/", masterdata_views.autocomplete_suppliers, name="autocomplete-suppliers"),
    path("autocomplete/products/", masterdata_views.autocomplete_products, name="autocomplete-products"),
    path(
        "autocomplete/material-batches/",
        masterdata_views.autocomplete_material_batches,
        name="autocomplete-material-batches",
    ),
    path("autocomplete/shipments/", masterdata_views.autocomplete_shipments, name="autocomplete-shipments"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # New people choose their password here (links from import_users --send-invites).
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html",
            post_reset_login=True,
            # AxesBackend sits before ModelBackend: name the one that signs the person in.
            post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            success_url=reverse_lazy("home"),
        ),
        name="password-set",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounting/", include("accounting.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/", include("config.api")),
    path("tickets/", include("tickets.urls")),
    path("objections/", include("objections.urls")),
    path("phrases/", include("phrases.urls")),
    path("documents/", include("documents.urls")),
    path("insight/", include("insight.urls")),
    path("mail/", include("mailin.urls")),
    path("", include("portal.urls")),
]

handler400 = "security.views.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
