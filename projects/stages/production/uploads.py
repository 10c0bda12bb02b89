"""The creator's own media: a picture or clip as a shot's, free and ready at once; a picture as a
bible entry's reference.

Every file is checked (``vendors.uploads``: type sniffed from the bytes, size, decoded once,
pixels and duration) before anything is stored or changed; a bad file is a 400 naming the
problem. A clip is fitted to its shot here (cut or looped to the shot's length, scaled and
cropped to the frame, its sound dropped), so the render treats it like any video; a still is kept
as the shot's image, and the render gives it the same camera move as generated stills.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from projects.models import BibleEntry, Shot, ShotSource, ShotState, Variation
from projects.pipeline.artifacts import store, workdir
from projects.services import transition_apply
from projects.stages.base import lock_project
from projects.staleness import after_reference_change, stale_render
from vendors.base import MediaFile
from vendors.uploads import Checked, Limits, UploadRejected, check, fit_clip, poster
from vidflow.errors import InvalidTransition, NotFound, ValidationFailed

GENERATING = (ShotState.GENERATING_IMAGE, ShotState.GENERATING_VIDEO)
FILES = ["image", "animated", "video", "line_audio"]
MIN_CLIP_SECONDS = 1.0


def upload_limits() -> Limits:
    return Limits(
        image_bytes=settings.UPLOAD_MAX_IMAGE_BYTES,
        video_bytes=settings.UPLOAD_MAX_VIDEO_BYTES,
        pixels=settings.UPLOAD_MAX_PIXELS,
        video_seconds=settings.UPLOAD_MAX_VIDEO_SECONDS,
    )


def checked_upload(path: Path, *, images_only: bool = False) -> Checked:
    """The upload at ``path`` if it can be used, else ValidationFailed (400) naming why."""
    try:
        checked = check(path, upload_limits())
    except UploadRejected as exc:
        raise ValidationFailed(str(exc), details={"file": [str(exc)]}) from None
    if images_only and checked.kind != "image":
        message = "A reference is a picture: send PNG, JPEG or WebP."
        raise ValidationFailed(message, details={"file": [message]})
    return checked


@contextmanager
def received_file(files: Any, content_length: int) -> Iterator[Path]:
    """The multipart field ``file`` as a path on disk (400 when it is missing or too large to
    be any upload, before it is read)."""
    cap = max(settings.UPLOAD_MAX_IMAGE_BYTES, settings.UPLOAD_MAX_VIDEO_BYTES)
    if content_length > cap + 1_000_000:
        message = f"The upload is larger than {cap / 1_000_000:.0f} MB."
        raise ValidationFailed(message, details={"file": [message]})
    upload = files.get("file") if files is not None else None
    if upload is None:
        message = "Send the picture or clip as the multipart field 'file'."
        raise ValidationFailed(message, details={"file": ["This field is required."]})
    with workdir("received") as into:
        path = into / "upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


def _shot_for_change(project: Any, shot_id: Any) -> Shot:
    shot = Shot.objects.select_for_update().filter(pk=shot_id, project=project).first()
    if shot is None:
        raise NotFound("Shot not found.")
    if shot.state in GENERATING:
        raise InvalidTransition("This shot is generating; wait for it or cancel its run.")
    return shot


def shot_media_upload(*, project_id: Any, actor: User, shot_id: Any, path: Path) -> Shot:
    """Make the creator's picture or clip the shot's, at no charge; the shot is ready at once and
    the render goes stale. Nothing changes when the file is refused."""
    checked = checked_upload(path)
    with transaction.atomic():  # the 404/409 before the work of fitting a clip
        project = lock_project(project_id=project_id, actor=actor)
        shot = _shot_for_change(project, shot_id)
        width, height = project.size
        duration = max(MIN_CLIP_SECONDS, shot.duration)
    with workdir("upload") as into:
        still = into / f"upload{checked.suffix}"
        video: Path | None = None
        if checked.kind == "video":
            video = fit_clip(path, into / "clip.mp4", width=width, height=height, duration=duration)
            still = poster(video, into / "first-frame.png")
        else:
            still.write_bytes(path.read_bytes())
        with transaction.atomic():
            project = lock_project(project_id=project_id, actor=actor)
            shot = _shot_for_change(project, shot_id)
            content_type = "image/png" if video is not None else checked.content_type
            store(shot.image, MediaFile(path=still, content_type=content_type))
            for field in (shot.animated, shot.video, shot.line_audio):
                _forget(field)
            if video is not None:
                store(shot.video, MediaFile(video, "video/mp4", duration))
            shot.source = ShotSource.UPLOAD
            shot.subjects = []
            shot.error = ""
            shot.stale = False
            transition_apply(
                instance=shot,
                name="media_uploaded",
                actor=actor,
                data={"format": checked.format},
                update_fields=[*FILES, "source", "subjects", "error", "stale"],
            )
            stale_render(project=project)
            return shot


def shot_media_remove(*, project_id: Any, actor: User, shot_id: Any) -> Shot:
    """Back to generation: the creator's media is removed and the shot waits to be generated."""
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        shot = _shot_for_change(project, shot_id)
        if shot.source != ShotSource.UPLOAD:
            raise InvalidTransition("This shot has no uploaded media.")
        for field in (shot.image, shot.animated, shot.video, shot.line_audio):
            _forget(field)
        shot.source = ShotSource.GENERATED
        shot.stale = False
        fields = [*FILES, "source", "stale"]
        if shot.state == ShotState.READY:
            transition_apply(instance=shot, name="media_removed", actor=actor, update_fields=fields)
        else:
            shot.save(update_fields=[*fields, "updated_at"])
        stale_render(project=project)
        return shot


def _forget(field: Any) -> None:
    """Empty a file field; the file goes once the transaction commits."""
    name = field.name
    if name:
        field.name = ""
        transaction.on_commit(lambda: default_storage.delete(name))


def reference_upload(
    *, project_id: Any, actor: User, kind: str, entry_id: Any, path: Path
) -> Variation:
    """The creator's picture as a new variation of a bible entry, selected as its reference (the
    shots drawn from the old one go stale). Free."""
    checked = checked_upload(path, images_only=True)
    with transaction.atomic():
        project = lock_project(project_id=project_id, actor=actor)
        entry = (
            BibleEntry.objects.select_for_update()
            .filter(pk=entry_id, project=project, kind=kind)
            .first()
        )
        if entry is None:
            raise NotFound(f"{'Character' if kind == 'character' else 'Location'} not found.")
        with workdir("reference") as into:
            copy = into / f"reference{checked.suffix}"
            copy.write_bytes(path.read_bytes())
            variation = Variation(entry=entry, prompt="Uploaded by the creator")
            store(variation.image, MediaFile(copy, checked.content_type))
            variation.save()
        entry.selected_variation = variation
        entry.save(update_fields=["selected_variation", "updated_at"])
        after_reference_change(project=project, entry=entry)
        return variation
