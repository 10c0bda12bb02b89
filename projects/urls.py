from vidflow.api.routers import OptionalSlashRouter

from .api import ChannelViewSet, ProjectViewSet, RunViewSet

router = OptionalSlashRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("channels", ChannelViewSet, basename="channel")
router.register("runs", RunViewSet, basename="run")

urlpatterns = router.urls
