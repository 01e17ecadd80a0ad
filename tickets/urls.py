from django.urls import path
from django.views.generic import RedirectView

from . import views, views_capa

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
    path("capa/", views_capa.capa_list, name="capa"),
    path("capa/<int:pk>/verify/", views_capa.capa_verify, name="capa_verify"),
    path("installations/", views_capa.installation_list, name="installations"),
    path("installations/new/", views_capa.installation_new, name="installation_new"),
    path("installations/<int:pk>/", views_capa.installation_detail, name="installation"),
    path("installations/<int:pk>/issues/", views_capa.installation_add_issue, name="installation_add_issue"),
    path(
        "installations/<int:pk>/issues/<int:issue>/fix/",
        views_capa.installation_fix_issue,
        name="installation_fix",
    ),
    path("installations/<int:pk>/sign/", views_capa.installation_sign, name="installation_sign"),
    path("installations/<int:pk>/verify/", views_capa.installation_verify, name="installation_verify"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:name>/", views.act, name="act"),
    path("<str:number>/notes/", views.add_note, name="add_note"),
    path("<str:number>/photos/", views.add_photos, name="add_photos"),
    path("<str:number>/purchases/", views.add_purchase, name="add_purchase"),
    path("<str:number>/disposition/", views.disposition_print, name="disposition"),
]
