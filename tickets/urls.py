from django.urls import path
from django.views.generic import RedirectView

from capa import views as capa_views
from installations import views as installation_views

from . import views

app_name = "tickets"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:my_work"), name="index"),
    path("all/", views.ticket_list, name="list"),
    path("all/export.<str:fmt>", views.ticket_export, name="export"),
    path("mine/", views.my_work, name="my_work"),
    path("new/", views.intake, name="intake"),
    path("purchases/", views.purchases, name="purchases"),
    path("photos/<uuid:uid>/", views.photo, name="photo"),
    path("photos/kept/<uuid:uid>/", views.kept_photo, name="kept_photo"),
    # CAPA checks and installations: before "<number>/", which would take their prefixes.
    path("capa/", capa_views.capa_list, name="capa"),
    path("capa/<int:pk>/verify/", capa_views.capa_verify, name="capa_verify"),
    path("installations/", installation_views.installation_list, name="installations"),
    path("installations/new/", installation_views.installation_new, name="installation_new"),
    path("installations/<int:pk>/", installation_views.installation_detail, name="installation"),
    path(
        "installations/<int:pk>/issues/",
        installation_views.installation_add_issue,
        name="installation_add_issue",
    ),
    path(
        "installations/<int:pk>/issues/<int:issue>/fix/",
        installation_views.installation_fix_issue,
        name="installation_fix",
    ),
    path(
        "installations/<int:pk>/issues/<int:issue>/close/",
        installation_views.installation_close_improvement,
        name="installation_close_improvement",
    ),
    path("installations/<int:pk>/print/", installation_views.installation_print, name="installation_print"),
    path("installations/<int:pk>/sign/", installation_views.installation_sign, name="installation_sign"),
    path(
        "installations/<int:pk>/verify/", installation_views.installation_verify, name="installation_verify"
    ),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:name>/", views.act, name="act"),
    path("<str:number>/watch/", views.watch, name="watch"),
    path("<str:number>/notes/", views.add_note, name="add_note"),
    path("<str:number>/photos/", views.add_photos, name="add_photos"),
    path("<str:number>/purchases/", views.add_purchase, name="add_purchase"),
    path("<str:number>/disposition/", views.disposition_print, name="disposition"),
]
