from django.urls import path

from . import views

app_name = "mailin"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/raw/", views.raw, name="raw"),
    path("files/<uuid:uid>/", views.attachment, name="attachment"),
]
