from capa.api import CapaCheckViewSet
from installations.api import InstallationViewSet
from security.routers import IdRouter

from .views import TicketViewSet

router = IdRouter()
# Before the tickets: "<number>/" would take these prefixes.
router.register("capa-checks", CapaCheckViewSet, basename="api-capa")
router.register("installations", InstallationViewSet, basename="api-installations")
router.register("", TicketViewSet, basename="api-tickets")
urlpatterns = router.urls
