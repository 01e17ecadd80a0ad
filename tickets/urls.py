from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "tickets"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:my_work"), name="index"),
    path("all/", views.ticket_list, name="list"),
    path("mine/", views.my_work, name="my_work"),
    path("new/", views.intake, name="intake"),
    path("purchases/", views.purchases, name="purchases"),
    path("shipments/", views.shipments, name="shipments"),
    path("photos/<uuid:uid>/", views.photo, name="photo"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:name>/", views.act, name="act"),
    path("<str:number>/notes/", views.add_note, name="add_note"),
    path("<str:number>/photos/", views.add_photos, name="add_photos"),
    path("<str:number>/purchases/", views.add_purchase, name="add_purchase"),
    path("<str:number>/disposition/", views.disposition_print, name="disposition"),
]
