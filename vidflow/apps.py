from django.apps import AppConfig


class VidflowConfig(AppConfig):
    """The project's shared pieces: API plumbing, idempotency records, storage helpers."""

    name = "vidflow"
    verbose_name = "VidFlow platform"

    def ready(self) -> None:
        from vidflow.api import schema_extensions  # noqa: F401  (registers OpenAPI extensions)
