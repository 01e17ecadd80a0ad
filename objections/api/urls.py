from django.urls import include, path

from security.routers import IdRouter

from . import views

router = IdRouter()
router.register("types", views.ObjectionTypeViewSet, basename="objection-type")
router.register("quiet", views.QuietContactViewSet, basename="quiet-contact")
router.register("", views.ObjectionViewSet, basename="objection")

urlpatterns = [
    path("playbook/", views.PlaybookView.as_view(), name="objection-playbook"),
    path("trends/", views.TrendsView.as_view(), name="objection-trends"),
    path("", include(router.urls)),
]
