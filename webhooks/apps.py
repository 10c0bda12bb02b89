from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from vidflow.events import on_event

        from .services import event_deliveries_create

        on_event(event_deliveries_create)
