"""Google's OAuth 2.0 for web server apps, simulated: the consent screen approves at once and
redirects back with a code; the token endpoint exchanges a code (and later the refresh token) for
an access token the simulated YouTube accepts.

Real endpoints: ``https://accounts.google.com/o/oauth2/v2/auth`` and
``https://oauth2.googleapis.com/token``
(developers.google.com/identity/protocols/oauth2/web-server).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from .core import Reply, SimRequest, json_reply

if TYPE_CHECKING:
    from .core import Delivery, SimJob
    from .server import Simulator

CLIENT_ID = "sim-google-client.apps.googleusercontent.com"
CLIENT_SECRET = "sim-google-secret"  # noqa: S105 (a fixed test credential of the simulator)
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"


class Google:
    name = "google"

    def error(self, status: int, message: str) -> Reply:
        return json_reply({"error": "invalid_request", "error_description": message}, status)

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        if request.method == "GET" and request.path == "/o/oauth2/v2/auth":
            return self._consent(sim, request)
        if request.method == "POST" and request.path == "/token":
            return self._token(sim, request)
        return self.error(404, "Not found")

    def _consent(self, sim: Simulator, request: SimRequest) -> Reply:
        query = request.query
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return self.error(400, "invalid client_id or response_type")
        if UPLOAD_SCOPE not in query.get("scope", "").split():
            return self.error(400, "the youtube.upload scope is required")
        code = f"code-{uuid.uuid4().hex}"
        with sim._lock:
            sim.state.setdefault("google_codes", {})[code] = query.get("redirect_uri", "")
        target = query.get("redirect_uri", "")
        location = f"{target}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return Reply(status=302, headers={"Location": location})

    def _token(self, sim: Simulator, request: SimRequest) -> Reply:
        form = dict(parse_qsl(request.body.decode(errors="replace")))
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return json_reply({"error": "invalid_client"}, 401)
        grant = form.get("grant_type")
        with sim._lock:
            codes = sim.state.setdefault("google_codes", {})
            refresh_tokens = sim.state.setdefault("google_refresh", set())
            if grant == "authorization_code":
                if codes.pop(form.get("code", ""), None) != form.get("redirect_uri"):
                    return json_reply({"error": "invalid_grant"}, 400)
                refresh = f"refresh-{uuid.uuid4().hex}"
                refresh_tokens.add(refresh)
                return json_reply(
                    {
                        "access_token": sim.youtube_token,
                        "expires_in": 3599,
                        "refresh_token": refresh,
                        "scope": UPLOAD_SCOPE,
                        "token_type": "Bearer",
                    }
                )
            if grant == "refresh_token":
                if form.get("refresh_token") not in refresh_tokens:
                    return json_reply({"error": "invalid_grant"}, 400)
                return json_reply(
                    {
                        "access_token": sim.youtube_token,
                        "expires_in": 3599,
                        "scope": UPLOAD_SCOPE,
                        "token_type": "Bearer",
                    }
                )
        return json_reply({"error": "unsupported_grant_type"}, 400)

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []
