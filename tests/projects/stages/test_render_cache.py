"""The render cache in storage: a render again (by a worker that has kept nothing of the first)
encodes nothing, an edit re-encodes only what it shows in, collection keeps a project's cache
bounded, and deleting the project deletes it."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import av
import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Render, Run, Shot
from projects.pipeline.artifacts import store
from projects.pipeline.render_cache import StorageRenderCache, render_cache_prefix
from tests.factories import ProjectFactory
from vendors.base import MediaFile

from .bible_helpers import perform, post_run
from .render_helpers import download, ready_project

pytestmark = pytest.mark.django_db


def _render(api: APIClient, project: Any) -> Run:
    run = perform(post_run(api, f"/api/projects/{project.pk}/timeline/render"))
    assert run.status == "succeeded", run.error
    return run


def _shown(api: APIClient, project: Any) -> dict[str, Any]:
    return dict(api.get(f"/api/projects/{project.pk}/timeline/render").json()["data"]["render"])


def _video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def _entries(project: Any) -> list[str]:
    _, names = default_storage.listdir(render_cache_prefix(project.pk))
    return sorted(names)


@pytest.mark.slow
def test_a_render_again_reuses_every_segment_and_an_edit_re_encodes_only_its_part(
    api: APIClient, user: User, tmp_path: Path
) -> None:
    project = ready_project(api, user)
    _render(api, project)
    first = _shown(api, project)
    assert first["quality"]["segmentsReused"] == 0
    assert first["quality"]["soundReused"] is False
    segments = first["quality"]["segments"]
    assert segments >= 2
    kept = _entries(project)
    assert sum(k.startswith("seg-") for k in kept) == segments

    # Each run builds its cache afresh from storage: nothing of the first render is in memory.
    _render(api, project)
    again = _shown(api, project)

    assert again["quality"]["passed"] is True  # checked on every final.mp4, reused or not
    assert again["quality"]["segmentsReused"] == segments
    assert again["quality"]["soundReused"] is True
    assert _video_packets(download(api, again["videoUrl"], tmp_path, "again.mp4")) == (
        _video_packets(download(api, first["videoUrl"], tmp_path, "first.mp4"))
    )

    # A vendor delivers a new clip for the first shot: only the segment showing it is encoded.
    first_shot, second_shot = Shot.objects.filter(project=project).order_by("position")[:2]
    field = next(f for f in ("video", "animated", "image") if getattr(first_shot, f))
    replacement = tmp_path / f"new{Path(getattr(second_shot, field).name).suffix}"
    replacement.write_bytes(getattr(second_shot, field).read())
    kind = "image/png" if field == "image" else "video/mp4"
    store(getattr(first_shot, field), MediaFile(replacement, kind))
    first_shot.save(update_fields=[field])
    _render(api, project)
    edited = _shown(api, project)

    assert edited["quality"]["passed"] is True
    assert edited["quality"]["segmentsReused"] == segments - 1
    assert edited["quality"]["soundReused"] is True
    assert Render.objects.get(project=project).stale is False


def _entry(cache: StorageRenderCache, tmp_path: Path, key: str, size: int, age: float) -> None:
    source = tmp_path / key
    source.write_bytes(b"x" * size)
    cache.put(key, source)
    path = Path(default_storage.path(cache.prefix + key))
    when = time.time() - age
    os.utime(path, (when, when))


def test_collection_keeps_what_the_render_used_and_deletes_the_oldest_beyond_the_bound(
    tmp_path: Path,
) -> None:
    project = ProjectFactory()
    earlier = StorageRenderCache(project.pk)
    for key, age in (("seg-a.mp4", 500), ("seg-b.mp4", 400), ("seg-c.mp4", 300)):
        _entry(earlier, tmp_path, key, 1000, age)
    latest = StorageRenderCache(project.pk)  # the next render, in another worker
    _entry(latest, tmp_path, "seg-d.mp4", 1000, 600)  # old, but this render used it
    _entry(latest, tmp_path, "seg-e.mp4", 1000, 0)
    assert latest.get("seg-a.mp4", tmp_path / "a-out.mp4")  # the oldest, used again: kept
    assert not latest.get("seg-zzz.mp4", tmp_path / "z-out.mp4")
    assert not (tmp_path / "z-out.mp4").exists()

    collected = latest.collect(max_bytes=3500)

    # a, d and e were used; of b and c the older (b) goes first, and then 4000 bytes > 3500:
    # c goes too
    assert _entries(project) == ["seg-a.mp4", "seg-d.mp4", "seg-e.mp4"]
    assert (collected.kept, collected.removed, collected.bytes) == (3, 2, 3000)
    # what the render used stays even above the bound; a cache that used nothing keeps nothing
    assert latest.collect(max_bytes=0).removed == 0
    assert StorageRenderCache(project.pk).collect(max_bytes=0).removed == 3
    assert _entries(project) == []


def test_collection_removes_a_half_written_entry_left_by_a_dead_worker(tmp_path: Path) -> None:
    project = ProjectFactory()
    cache = StorageRenderCache(project.pk)
    _entry(cache, tmp_path, "seg-a.mp4", 10, 0)
    folder = Path(default_storage.path(cache.prefix))
    for name, age in ((".seg-b.mp4.1.tmp", 7200), (".seg-c.mp4.2.tmp", 10)):
        (folder / name).write_bytes(b"half")
        os.utime(folder / name, (time.time() - age, time.time() - age))

    cache.collect(max_bytes=10**9)

    assert sorted(os.listdir(folder)) == [".seg-c.mp4.2.tmp", "seg-a.mp4"]  # c may be writing


def test_deleting_the_project_deletes_its_render_cache(
    api: APIClient, user: User, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(owner=user)
    _entry(StorageRenderCache(project.pk), tmp_path, "seg-a.mp4", 10, 0)
    folder = Path(default_storage.path(render_cache_prefix(project.pk)))
    assert folder.is_dir()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/projects/{project.pk}").status_code == 200

    assert not folder.exists()
    assert not folder.parent.exists()


def test_a_cache_key_cannot_leave_the_projects_folder(tmp_path: Path) -> None:
    cache = StorageRenderCache(ProjectFactory().pk)
    for key in ("../seg-a.mp4", "x/seg-a.mp4", ".hidden", ""):
        with pytest.raises(ValueError, match="not a cache key"):
            cache.get(key, tmp_path / "out")
