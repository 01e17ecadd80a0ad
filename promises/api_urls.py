from django.urls import include, path

from security.routers import IdRouter

from .api import CommitmentViewSet

router = IdRouter()
router.register("", CommitmentViewSet, basename="api-promise")

urlpatterns = [path("", include(router.urls))]
