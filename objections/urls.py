from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "objections"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="objections:mine"), name="index"),
    path("mine/", views.objection_list_view, name="mine"),
    path("new/", views.objection_log_view, name="log"),
    path("<int:pk>/", views.objection_detail_view, name="detail"),
    path("<int:pk>/edit/", views.objection_edit_view, name="edit"),
    path("prospects/<int:pk>/link/", views.prospect_link_view, name="prospect-link"),
    path("customers/", views.customer_list_view, name="customers"),
    path("customers/autocomplete/", views.customer_autocomplete, name="customer-autocomplete"),
    path("customers/<int:pk>/", views.customer_history_view, name="customer-history"),
    path("playbook/", views.playbook_view, name="playbook"),
    path("trends/", views.trends_view, name="trends"),
    path("quiet/", views.quiet_list_view, name="quiet"),
    path("quiet/new/", views.quiet_log_view, name="quiet-log"),
    path("quiet/<int:pk>/", views.quiet_edit_view, name="quiet-edit"),
]
