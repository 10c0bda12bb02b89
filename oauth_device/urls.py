"""The OAuth endpoints, discovery documents and pages; mounted at the site root by vidflow.urls.

A trailing slash is optional on the endpoints (no redirect, so POST bodies survive).
"""

from django.urls import path, re_path

from . import views

urlpatterns = [
    re_path(
        r"^api/oauth/device/code/?$",
        views.DeviceAuthorizationView.as_view(),
        name="oauth-device-code",
    ),
    re_path(r"^api/oauth/device/token/?$", views.TokenView.as_view(), name="oauth-device-token"),
    re_path(r"^api/oauth/token/?$", views.TokenView.as_view(), name="oauth-token"),
    re_path(r"^api/oauth/revoke/?$", views.RevokeTokenView.as_view(), name="oauth-revoke"),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="oauth-server-metadata",
    ),
    path(
        ".well-known/oauth-protected-resource",
        views.protected_resource_metadata,
        name="oauth-resource-metadata",
    ),
    re_path(r"^device/?$", views.device_page, name="device"),
    re_path(r"^connected-apps/?$", views.connected_apps_page, name="connected-apps"),
    path(
        "connected-apps/<str:client_id>/revoke",
        views.connected_app_revoke,
        name="connected-app-revoke",
    ),
]
