"""Publishing: suggestions for the description and tags, the YouTube connection of a channel
(Google's OAuth web-server flow), and the upload."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from projects.models import ACTIVE_RUN_STATUSES, Channel, Project, Run, RunKind, Stage
from projects.stages.base import (
    lock_project,
    run_launch,
    story_context,
)
from projects.stages.writing import checked_publish_copy
from vendors import registry
from vendors.base import ChapterOutline, ProviderError, ProviderUnavailableError, PublishCopy
from vidflow.crypto import seal, unseal
from vidflow.errors import (
    InvalidTransition,
    NotFound,
    ValidationFailed,
    YoutubeNotConnected,
)

UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"


_STATE_SALT = "vidflow.youtube.connect"


STATE_MAX_AGE = 15 * 60


PRIVACY = ("private", "unlisted", "public")


def publish_suggest(*, project: Project) -> PublishCopy:
    """A description and tags from the text provider (free, answered now)."""
    outline = tuple(
        ChapterOutline(title=c.title, beats=tuple(c.beats)) for c in project.chapters.all()
    )
    script = getattr(project, "script", None)
    return checked_publish_copy(
        registry.provider("text").publish_copy(
            story_context(project), outline=outline, hook=script.hook if script else ""
        )
    )


def _google_configured() -> None:
    if not (settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET):
        raise ProviderUnavailableError(
            "YouTube publishing is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET."
        )


def youtube_connect_url(*, channel: Channel, redirect_uri: str) -> str:
    """Where to send the user to let this channel upload to their YouTube account."""
    _google_configured()
    state = signing.dumps({"c": str(channel.pk), "u": str(channel.owner_id)}, salt=_STATE_SALT)
    query = {
        "client_id": settings.GOOGLE_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": UPLOAD_SCOPE,
        "access_type": "offline",  # a refresh token, to upload later without the user
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
    }
    return f"{settings.GOOGLE_AUTH_URL}?{urlencode(query)}"


def _token_request(form: dict[str, str]) -> dict[str, Any]:
    _google_configured()
    try:
        response = httpx.post(
            settings.GOOGLE_TOKEN_URL,
            data={
                **form,
                "client_id": settings.GOOGLE_CLIENT_ID,
                "client_secret": settings.GOOGLE_CLIENT_SECRET,
            },
            timeout=settings.VENDOR_TIMEOUT,
        )
    except httpx.HTTPError as exc:
        raise ProviderError(
            f"Google's token endpoint is unreachable: {exc}", vendor="google"
        ) from exc
    if response.status_code != 200:
        raise ProviderError(
            f"Google refused the token request ({response.status_code}).", vendor="google"
        )
    return dict(response.json())


def youtube_connect_finish(*, user: User, code: str, state: str, redirect_uri: str) -> Channel:
    """Google sent the user back: trade the code for a refresh token and keep it sealed."""
    try:
        claim = signing.loads(state, salt=_STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed("This YouTube connection link is invalid or expired.") from None
    if claim.get("u") != str(user.pk):
        raise NotFound("Channel not found.")
    tokens = _token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    )
    refresh = tokens.get("refresh_token")
    if not refresh:
        raise ProviderError("Google sent no refresh token; connect again.", vendor="google")
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=claim["c"], owner=user).first()
        if channel is None:
            raise NotFound("Channel not found.")
        channel.youtube_credentials = seal(json.dumps({"refresh_token": refresh}))
        channel.youtube_connected_at = timezone.now()
        channel.save(update_fields=["youtube_credentials", "youtube_connected_at", "updated_at"])
    return channel


def youtube_disconnect(*, channel_id: Any, actor: User) -> None:
    Channel.objects.filter(pk=channel_id, owner=actor).update(
        youtube_credentials="", youtube_connected_at=None, youtube_channel_id=""
    )


def youtube_access_token(channel: Channel) -> str:
    sealed = unseal(channel.youtube_credentials) if channel.youtube_credentials else None
    if not sealed:
        raise YoutubeNotConnected("Connect this channel to YouTube again.")
    tokens = _token_request(
        {"grant_type": "refresh_token", "refresh_token": json.loads(sealed)["refresh_token"]}
    )
    return str(tokens["access_token"])


def publish_youtube(*, project_id: Any, actor: User, options: dict[str, Any]) -> Run:
    """Upload the rendered video (and thumbnail) to the project's channel on YouTube."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor, advance_to=Stage.PUBLISH)
        channel = project.channel
        if channel is None or channel.youtube_connected_at is None:
            raise YoutubeNotConnected(
                "Connect the project's channel to YouTube first (POST /api/channels/{id}/youtube)."
            )
        if options.get("publishAt") and options.get("privacy", "private") != "private":
            raise ValidationFailed(
                "A scheduled video must be private until it goes live.",
                details={"privacy": ["Must be private when publishAt is set."]},
            )
        if project.runs.filter(
            kind=RunKind.PUBLISH_YOUTUBE, status__in=ACTIVE_RUN_STATUSES
        ).exists():
            raise InvalidTransition("An upload of this project is already under way.")
        return run_launch(
            project=project, actor=actor, kind=RunKind.PUBLISH_YOUTUBE, params=options
        )
