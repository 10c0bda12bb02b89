"""The webhooks pages of the web app; mounted at the site root by vidflow.urls."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(r"^webhooks/?$", views.webhooks_page, name="webhooks-page"),
    path("webhooks/notices/dismiss", views.webhook_notices_dismiss, name="webhook-notices-dismiss"),
    path("webhooks/<uuid:endpoint_id>", views.webhook_page, name="webhook-page"),
    path("webhooks/<uuid:endpoint_id>/rotate", views.webhook_rotate, name="webhook-page-rotate"),
    path("webhooks/<uuid:endpoint_id>/toggle", views.webhook_toggle, name="webhook-page-toggle"),
    path("webhooks/<uuid:endpoint_id>/delete", views.webhook_delete, name="webhook-page-delete"),
    path("webhooks/<uuid:endpoint_id>/test", views.webhook_test, name="webhook-page-test"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver",
        views.webhook_redeliver,
        name="webhook-page-redeliver",
    ),
]
