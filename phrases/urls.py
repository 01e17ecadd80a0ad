from django.urls import path

from . import views

app_name = "phrases"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_edit, name="new"),
    path("<int:pk>/", views.template_edit, name="edit"),
]
