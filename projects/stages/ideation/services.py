"""Ideation: title ideas, outlier (reference) videos and the channel setup.

Nothing here is billable. Title suggestions and outlier searches call their provider while the
request waits (they are quick and free; the rate tier ``free_suggest`` bounds them), so they
answer the created rows directly instead of a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import transaction

from accounts.models import User
from projects.models import ArtifactSource, Channel, OutlierVideo, Project, TitleIdea
from projects.services import channel_create, channel_update, ensure_writable, project_update
from projects.stages.base import lock_project, provider_errors, story_context
from projects.stages.writing import checked_titles, writer_of
from vendors import registry
from vendors.base import (
    OutlierCandidate,
    ProviderError,
    ProviderUnavailableError,
)
from vidflow.errors import InvalidTransition, NotFound, ValidationFailed

MAX_TITLE_IDEAS = 100  # per project: suggestions are free, so they are bounded here
MAX_OUTLIERS = 100
MAX_SUGGEST = 10
SEARCH_UNAVAILABLE = (
    "Searching for outlier videos needs the YouTube research provider: set YOUTUBE_API_KEY and "
    "PROVIDER_RESEARCH=youtube (or add reference videos by hand)."
)

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")  # what a user may type or paste
# What a research provider may answer: YouTube's own ids are the 11 characters above, but the id
# is the provider's to define (it is stored, never parsed); only its alphabet and length are held.
PROVIDER_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}


def youtube_video_id(url: str) -> str | None:
    """The video id in a YouTube link (watch, youtu.be, shorts, embed, live), or None when the
    link is not a YouTube video link."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in ("shorts", "embed", "live", "v"):
            candidate = segments[1]
    return candidate if YOUTUBE_ID.match(candidate) else None


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def outlier_score(views: int, median: int) -> float:
    return round(views / max(1, median), 2)


def _writable(project_id: Any, actor: User) -> Project:
    """The project, read (not locked) for a provider call made before the writing transaction."""
    project = Project.objects.select_related("channel").filter(pk=project_id, owner=actor).first()
    if project is None:
        raise NotFound("Project not found.")
    ensure_writable(project)
    return project


# --- title ideas ----------------------------------------------------------------------------


def title_ideas_suggest(*, project_id: Any, actor: User, count: int) -> list[TitleIdea]:
    """Ask the text provider for ``count`` new title ideas and store them (free).

    Ideas the project already has (compared case-insensitively) are skipped; the provider is asked
    for a few more than needed so that a deterministic writer still yields new ones. Answers the
    ideas created (possibly fewer than ``count``).
    """
    count = max(1, min(MAX_SUGGEST, count))
    project = _writable(project_id, actor)
    known = {t.casefold() for t in project.title_ideas.values_list("text", flat=True)}
    if len(known) + count > MAX_TITLE_IDEAS:
        raise InvalidTransition(
            f"This project has {len(known)} title ideas (at most {MAX_TITLE_IDEAS}): "
            "delete some before asking for more."
        )
    ask = count + min(len(known), 2 * MAX_SUGGEST)
    with provider_errors():
        text = registry.provider("text")
        ctx = story_context(project)
        suggestions = checked_titles(text.title_ideas(ctx, count=ask), ctx)
        if not suggestions:
            raise ProviderError("the text provider suggested no usable titles")
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        known = {t.casefold() for t in project.title_ideas.values_list("text", flat=True)}
        new: list[TitleIdea] = []
        for s in suggestions:
            if s.text.casefold() in known or len(new) == count:
                continue
            known.add(s.text.casefold())
            new.append(
                TitleIdea(
                    project=project,
                    text=s.text,
                    angle=s.angle,
                    score=round(s.score, 2),
                    source=ArtifactSource.GENERATED,
                    written_by=writer_of(text),
                )
            )
        return TitleIdea.objects.bulk_create(new)


def _title_of(project: Project, title_id: Any) -> TitleIdea:
    idea = TitleIdea.objects.filter(pk=title_id, project=project).first()
    if idea is None:
        raise NotFound("Title idea not found.")
    return idea


def title_select(*, project_id: Any, actor: User, title_id: Any) -> TitleIdea:
    """Make an idea the project's selected title; what was made from the old one goes stale
    (the thumbnail — staleness.after_project_change)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        idea = _title_of(project, title_id)
        project_update(project_id=project.pk, actor=actor, changes={"selected_title": idea.text})
    return idea


def title_delete(*, project_id: Any, actor: User, title_id: Any) -> None:
    """Forget an idea. A selected title stays the project's title (it is text, not a link)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        _title_of(project, title_id).delete()


# --- outlier videos -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlierInput:
    """A reference video added by hand (already validated by the route's serializer)."""

    title: str
    views: int
    channel_median_views: int
    video_id: str = ""
    url: str = ""
    channel_title: str = ""
    published_at: datetime | None = None


def outlier_add(*, project_id: Any, actor: User, video: OutlierInput) -> OutlierVideo:
    """Store a reference video with its outlier score (views ÷ its channel's median views)."""
    video_id = video.video_id or (youtube_video_id(video.url) if video.url else None) or ""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        if project.outlier_videos.count() >= MAX_OUTLIERS:
            raise InvalidTransition(
                f"This project has {MAX_OUTLIERS} reference videos: delete some first."
            )
        if video_id and project.outlier_videos.filter(video_id=video_id).exists():
            raise ValidationFailed(
                "This video is already one of the project's references.",
                details={"videoId": ["This video is already one of the project's references."]},
            )
        return OutlierVideo.objects.create(
            project=project,
            video_id=video_id,
            url=video.url or (watch_url(video_id) if video_id else ""),
            title=video.title,
            channel_title=video.channel_title,
            views=video.views,
            channel_median_views=video.channel_median_views,
            outlier_score=outlier_score(video.views, video.channel_median_views),
            published_at=video.published_at,
            source=ArtifactSource.MANUAL,
        )


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _usable(candidate: OutlierCandidate) -> bool:
    return (
        bool(PROVIDER_VIDEO_ID.match(candidate.video_id or ""))
        and bool(str(candidate.title).strip())
        and isinstance(candidate.views, int)
        and candidate.views >= 0
        and isinstance(candidate.channel_median_views, int)
        and candidate.channel_median_views > 0
    )


def outliers_search(
    *, project_id: Any, actor: User, query: str, limit: int
) -> tuple[int, list[OutlierVideo]]:
    """Search the research provider for outliers and store the best ``limit`` the project does
    not have yet (one row per video id). Returns (candidates found, rows added).

    The default provider cannot search: 503 PROVIDER_UNAVAILABLE saying how to enable YouTube.
    """
    _writable(project_id, actor)
    with provider_errors(unavailable=SEARCH_UNAVAILABLE):
        research = registry.provider("research")
        if research.name == "manual":
            # It finds nothing by design; an empty answer would read as "no outliers exist".
            raise ProviderUnavailableError("PROVIDER_RESEARCH is manual")
        candidates = research.outliers(query=query, limit=limit)
    found = [c for c in candidates if _usable(c)]
    found.sort(key=lambda c: c.outlier_score, reverse=True)
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        have = set(project.outlier_videos.exclude(video_id="").values_list("video_id", flat=True))
        room = max(0, MAX_OUTLIERS - project.outlier_videos.count())
        new: list[OutlierVideo] = []
        for c in found:
            if c.video_id in have or len(new) >= min(limit, room):
                continue
            have.add(c.video_id)
            new.append(
                OutlierVideo(
                    project=project,
                    video_id=c.video_id,
                    url=watch_url(c.video_id),
                    title=" ".join(str(c.title).split())[:300],
                    channel_title=" ".join(str(c.channel_title).split())[:200],
                    views=c.views,
                    channel_median_views=c.channel_median_views,
                    outlier_score=outlier_score(c.views, c.channel_median_views),
                    published_at=_parse_time(c.published_at),
                    source=ArtifactSource.GENERATED,
                )
            )
        return len(found), OutlierVideo.objects.bulk_create(new)


def outlier_delete(*, project_id: Any, actor: User, outlier_id: Any) -> None:
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        deleted, _ = OutlierVideo.objects.filter(pk=outlier_id, project=project).delete()
        if not deleted:
            raise NotFound("Outlier video not found.")


# --- channel setup --------------------------------------------------------------------------


def project_channel(project: Project) -> Channel | None:
    """The project's channel, only if it belongs to the project's owner (never anyone else's)."""
    channel = project.channel
    return channel if channel is not None and channel.owner_id == project.owner_id else None


def channel_setup_update(*, project_id: Any, actor: User, changes: dict[str, Any]) -> Channel:
    """Edit the setup of the project's channel; a project without one gets its own channel,
    named after the project. Other projects on the same channel see the change too (it is the
    channel's setup), and what it invalidates goes stale (staleness.after_channel_change)."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        channel = project_channel(project)
        if channel is None:
            channel = channel_create(owner=actor, name=project.title[:100])
            project.channel = channel
            project.save(update_fields=["channel", "updated_at"])
        return channel_update(channel_id=channel.pk, actor=actor, changes=changes)
