from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    # Public (no login): the secret in the path is the key.
    path("p/c/<str:token>/", views.complaint, name="complaint"),
    path("p/t/<str:number>/<str:token>/", views.track, name="track"),
    path("p/t/<str:number>/<str:token>/survey/", views.survey, name="survey"),
    # Staff: the links salespeople send.
    path("portal/links/", views.links, name="links"),
    path("portal/links/new/", views.link_issue, name="link-issue"),
    path("portal/links/<int:pk>/revoke/", views.link_revoke, name="link-revoke"),
]
