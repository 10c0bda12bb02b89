"""Teach drf-spectacular how our authentication looks in OpenAPI."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionCookieScheme(OpenApiAuthenticationExtension):
    target_class = "vidflow.api.auth.CsrfSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The browser session; unsafe methods also need the X-CSRFToken header.",
        }


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oauth_device.authentication.BearerTokenAuthentication"
    name = "bearerToken"
    priority = 1  # listed before the session: requireAuth tries the Bearer header first

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "vfa_ access token (OAuth 2.1 device flow)",
            "description": (
                "An access token from the device flow (POST /api/oauth/device/code, approve at "
                "/device, poll POST /api/oauth/device/token), in the Authorization header only. "
                "Tokens carry scopes (projects:read, projects:write, generate, publish, "
                "billing:read); a missing one answers 403 INSUFFICIENT_SCOPE. Discovery: "
                "/.well-known/oauth-authorization-server."
            ),
        }
