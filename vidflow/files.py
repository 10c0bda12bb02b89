"""Serving stored artifacts through signed links (see vidflow.storage)."""

from __future__ import annotations

import mimetypes
import posixpath

from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from vidflow.api.permissions import HasRequiredScope
from vidflow.errors import NotFound
from vidflow.storage import artifact_download_name, artifact_grant

# What the stored artifacts are: pictures, clips, the render, speech and music, captions.
FILE_MEDIA_TYPES = (
    "image/png",
    "image/jpeg",
    "image/webp",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "audio/wav",
    "audio/x-wav",
    "audio/mpeg",
    "text/vtt",
    "application/x-subrip",
    "application/octet-stream",
)


class ArtifactFileView(APIView):
    """``GET /api/files/<signed token>``: the file, to whoever holds the link until it expires
    (a capability, like an S3 pre-signed URL; see vidflow.storage). Everything else is 404.

    The link is the credential, so no sign-in is required; but a bearer token that comes along
    must carry ``projects:read``, as on every other route. Not on a rate tier: a project page
    loads dozens of images and videos at once.
    """

    permission_classes = [HasRequiredScope]
    read_scope = "projects:read"

    @extend_schema(
        responses={(200, media_type): bytes for media_type in FILE_MEDIA_TYPES},
        parameters=[
            OpenApiParameter(
                "download",
                str,
                description="`1` or `true`: ask the browser to save the file rather than show "
                "it (any other value: show it).",
            )
        ],
        tags=["files"],
    )
    def get(self, request: Request, token: str) -> FileResponse:
        """A stored artifact (picture, clip, render, speech, music) by the signed link an
        answer gave: the link is the credential until it expires; 404 after that."""
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
