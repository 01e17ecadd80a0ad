from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("on/<str:word>/<int:pk>/", views.attach, name="attach"),
    path("<uuid:uid>/", views.download, name="download"),
]
