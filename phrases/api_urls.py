from django.urls import include, path

from security.routers import IdRouter

from .api import ReplyTemplateViewSet

router = IdRouter()
router.register("", ReplyTemplateViewSet, basename="api-phrase")

urlpatterns = [path("", include(router.urls))]
