"""Serving stored artifacts through signed links (see vidflow.storage)."""

from __future__ import annotations

import mimetypes
import posixpath

from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from vidflow.api.permissions import HasRequiredScope
from vidflow.errors import NotFound
from vidflow.storage import artifact_download_name, artifact_grant


class ArtifactFileView(APIView):
    """``GET /api/files/<signed token>``: the file, to its owner (or to anyone holding a vendor
    link, which is short-lived and bound to one file). Everything else is 404.

    The link is the credential, so no sign-in is required; but a bearer token that comes along
    must carry ``projects:read``, as on every other route. Not on a rate tier: a project page
    loads dozens of images and videos at once.
    """

    permission_classes = [HasRequiredScope]
    read_scope = "projects:read"

    @extend_schema(responses={(200, "application/octet-stream"): bytes}, tags=["files"])
    def get(self, request: Request, token: str) -> FileResponse:
        user = request.user
        try:
            name = artifact_grant(token, user_id=user.pk if user.is_authenticated else None)
        except signing.BadSignature:
            raise NotFound("This link is invalid or has expired.") from None
        if not default_storage.exists(name):
            raise NotFound("This file no longer exists.")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # A readable name (octopus-hearts-final.mp4) when the link carries one; ?download=1
        # asks the browser to save it rather than show it.
        response = FileResponse(
            default_storage.open(name, "rb"),
            content_type=content_type,
            filename=artifact_download_name(token) or posixpath.basename(name),
            as_attachment=request.query_params.get("download") in ("1", "true"),
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response
