"""The full project payload of ``GET /api/projects/{id}``, read in one plain SQL round trip.

This is the hottest read of the product (every page, client and MCP tool polls it), so it is
written as SQL rather than ORM querysets: the ORM spent several times longer compiling the joins
and subqueries than PostgreSQL spent running them, and decoded JSON columns (a long voiceover's
word list) that the payload only needs to count. One statement reads the project's own row (only
for its owner), its artifacts, counts, and its chapters, bible entries and shots as JSON arrays
(each round trip to the database cost about as much as the rest of the request on a busy
machine). The cost is the same for 1 shot or 300: the query count never depends on the project's
size (tests/projects/test_payload.py, ``make bench``).

Table and column names come from the models; values are always parameters.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vendors import registry
from vidflow.storage import artifact_url, download_name

from .models import (
    ACTIVE_RUN_STATUSES,
    STAGE_ORDER,
    BibleEntry,
    BibleKind,
    Chapter,
    Music,
    OutlierVideo,
    Project,
    Publication,
    Render,
    Run,
    Script,
    Shot,
    ShotState,
    Stage,
    Thumbnail,
    TitleIdea,
    Variation,
    Voiceover,
)
from .stages.writing import PLACEHOLDER_WRITER, text_provider_info


@dataclass
class Payload:
    completed_stages: list[str] = field(default_factory=list)
    stale: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    selected: dict[str, Any] = field(default_factory=dict)
    credits_spent: int = 0
    text_provider: dict[str, Any] = field(default_factory=dict)
    placeholder_text: list[str] = field(default_factory=list)


def _table(model: type) -> str:
    return str(model._meta.db_table)  # type: ignore[attr-defined]


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    # PostgreSQL plans this statement once per connection (vidflow.postgres: prepared_cursor).
    prepared = getattr(connection, "prepared_cursor", None)
    with prepared() if prepared is not None else connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _uuid(value: Any) -> uuid.UUID | None:
    return (
        None if value is None else value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    )


def _when(value: Any) -> Any:
    """SQLite answers datetimes as naive UTC strings."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _project_columns() -> list[Any]:
    return list(Project._meta.concrete_fields)


def _json_rows(vendor: str, select: str, source: str, order: str) -> str:
    """A subquery answering the rows of ``source`` as one JSON array of arrays, in ``order``."""
    if vendor == "postgresql":
        aggregate = f"COALESCE(json_agg(json_build_array({select}) ORDER BY {order}), '[]')"
        return f"(SELECT {aggregate} FROM {source})"  # noqa: S608
    ordered = f"(SELECT * FROM {source} ORDER BY {order})"  # noqa: S608
    return f"(SELECT json_group_array(json_array({select})) FROM {ordered})"  # noqa: S608


@functools.cache
def _payload_sql(vendor: str) -> str:
    """One round trip: the project's own columns (only if ``%(u)s`` owns it), one row of each
    stage artifact, the counts, and the chapters, bible entries and shots as JSON arrays."""
    json_length = "jsonb_array_length" if vendor == "postgresql" else "json_array_length"
    active = ", ".join(f"%(s{i})s" for i in range(len(ACTIVE_RUN_STATUSES)))
    own = ", ".join(f"p.{connection.ops.quote_name(f.column)}" for f in _project_columns())
    chapters = _json_rows(
        vendor,
        "id, narration <> '', narration_stale, outline_by, narration_by",
        f"{_table(Chapter)} WHERE project_id = %(p)s",
        "position",
    )
    entries = _json_rows(
        vendor,
        "id, kind, name, stale, variation_id, image",
        f"""(SELECT e.id, e.kind, e.name, e.stale, e.created_at, v.id AS variation_id, v.image
              FROM {_table(BibleEntry)} e
              LEFT JOIN {_table(Variation)} v ON v.id = e.selected_variation_id
              WHERE e.project_id = %(p)s) entries""",  # noqa: S608
        "kind, created_at",
    )
    shots = _json_rows(
        vendor, "id, state, stale", f"{_table(Shot)} WHERE project_id = %(p)s", "position"
    )
    return f"""
        SELECT
          {own},
          s.project_id, s.hook, s.hook_stale, s.analysis_stale AND s.analysis IS NOT NULL,
          s.hook_by, s.facts_by, s.analysis_by, {json_length}(s.facts),
          v.project_id, v.voice_id, v.audio, v.duration, v.stale, {json_length}(v.words),
          m.project_id, m.mood, m.tempo, m.audio, m.duration, m.stale,
          r.project_id, r.video, r.srt, r.vtt, r.duration, r.width, r.height, r.stale,
          r.created_at,
          t.project_id, t.image, t.title, t.stale,
          (SELECT COUNT(*) FROM {_table(TitleIdea)} WHERE project_id = %(p)s),
          (SELECT COUNT(*) FROM {_table(OutlierVideo)} WHERE project_id = %(p)s),
          (SELECT COUNT(*) FROM {_table(Run)} WHERE project_id = %(p)s AND status IN ({active})),
          (SELECT COUNT(*) FROM {_table(Publication)}
             WHERE project_id = %(p)s AND youtube_video_id <> ''),
          (SELECT COALESCE(SUM(credits_charged) - SUM(credits_refunded), 0)
             FROM {_table(Run)} WHERE project_id = %(p)s),
          {chapters}, {entries}, {shots}
        FROM {_table(Project)} p
        LEFT JOIN {_table(Script)} s ON s.project_id = p.id
        LEFT JOIN {_table(Voiceover)} v ON v.project_id = p.id
        LEFT JOIN {_table(Music)} m ON m.project_id = p.id
        LEFT JOIN {_table(Render)} r ON r.project_id = p.id
        LEFT JOIN {_table(Thumbnail)} t ON t.project_id = p.id
        WHERE p.id = %(p)s AND p.owner_id = %(u)s
    """  # noqa: S608


@functools.cache
def _converters(vendor: str) -> list[tuple[Any, list[Any]]]:
    """Each project column and the converters the ORM applies to what the database answers."""
    out = []
    for column_field in _project_columns():
        column = column_field.get_col(_table(Project))
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        out.append((column, converters))
    return out


def _project_from_row(values: tuple[Any, ...]) -> Project:
    """A Project instance from its columns, converted as the ORM converts them."""
    converted = []
    for (column, converters), value in zip(_converters(connection.vendor), values, strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return Project.from_db(connection.alias, [f.attname for f in _project_columns()], converted)


def _decoded(value: Any) -> list[list[Any]]:
    """A JSON array column: decoded by PostgreSQL's driver already, text from SQLite."""
    return list(json.loads(value) if isinstance(value, (str, bytes)) else value)


def project_with_payload(*, owner_id: Any, project_id: Any) -> Project | None:
    """The owner's project with ``.payload`` filled in, in one query; None when it is not theirs
    (or does not exist)."""
    params: dict[str, Any] = {
        "p": Project._meta.pk.get_db_prep_value(project_id, connection),
        "u": owner_id,
    }
    params.update({f"s{i}": str(s) for i, s in enumerate(ACTIVE_RUN_STATUSES)})
    rows = _rows(_payload_sql(connection.vendor), params)
    if not rows:
        return None
    own = len(_project_columns())
    project = _project_from_row(rows[0][:own])
    project.payload = _payload(project, rows[0][own:])  # type: ignore[attr-defined]
    return project


def _payload(project: Project, row: tuple[Any, ...]) -> Payload:
    """Status, completed stages, stale marks, counts, selected artifacts and credits spent."""
    (
        script_id, hook, hook_stale, analysis_stale,
        hook_by, facts_by, analysis_by, n_facts,
        voice_row, voice_id, voice_audio, voice_duration, voice_stale, word_count,
        music_row, mood, tempo, music_audio, music_duration, music_stale,
        render_row, video, srt, vtt, render_duration, width, height, render_stale, rendered_at,
        thumb_row, thumb_image, thumb_title, thumb_stale,
        n_titles, n_outliers, n_active, n_published, spent,
        chapter_rows, entry_rows, shot_rows,
    ) = row  # fmt: skip
    chapters, entries, shots = _decoded(chapter_rows), _decoded(entry_rows), _decoded(shot_rows)

    def url(name: Any, what: str = "") -> str | None:
        if not name:
            return None
        title = project.selected_title or project.title
        filename = download_name(title, what, name) if what else None
        return artifact_url(name, filename=filename)

    by_state = {state.value: 0 for state in ShotState}
    for _, state, _ in shots:
        by_state[state] += 1
    stale_shots = [_uuid(sid) for sid, _, stale in shots if stale]
    has_hook = bool(script_id and hook)
    completed = {
        Stage.IDEATION: bool(project.selected_title),
        Stage.SCRIPT: bool(chapters) and all(bool(c[1]) for c in chapters) and has_hook,
        Stage.VISUAL_BIBLE: bool(entries) and all(e[4] is not None for e in entries),
        Stage.VOICEOVER: bool(voice_row and word_count and not voice_stale),
        Stage.PRODUCTION: bool(
            shots
            and by_state[ShotState.READY] == len(shots)
            and not stale_shots
            and render_row
            and video
            and not render_stale
        ),
        Stage.PUBLISH: int(n_published) > 0,
    }

    def entry(row: list[Any]) -> dict[str, Any]:
        eid, _, name, _, variation_id, image = row
        return {
            "id": _uuid(eid),
            "name": name,
            "variationId": _uuid(variation_id),
            "imageUrl": url(image),
        }

    return Payload(
        completed_stages=[stage for stage in STAGE_ORDER if completed[Stage(stage)]],
        stale={
            "chapters": [_uuid(c[0]) for c in chapters if c[2]],
            # Only what exists can be out of date (a new outline marks an analysis not yet made).
            "hook": bool(script_id and hook and hook_stale),
            "analysis": bool(script_id and analysis_stale),
            "bibleEntries": [_uuid(e[0]) for e in entries if e[3]],
            "voiceover": bool(voice_row and voice_stale),
            "music": bool(music_row and music_stale),
            "shots": stale_shots,
            "render": bool(render_row and render_stale),
            "thumbnail": bool(thumb_row and thumb_stale),
        },
        counts={
            "titleIdeas": int(n_titles),
            "outlierVideos": int(n_outliers),
            "chapters": len(chapters),
            "facts": int(n_facts or 0),
            "characters": sum(1 for e in entries if e[1] == BibleKind.CHARACTER),
            "locations": sum(1 for e in entries if e[1] == BibleKind.LOCATION),
            "shots": {"total": len(shots), "byState": by_state},
            "activeRuns": int(n_active),
        },
        selected={
            "title": project.selected_title,
            "hook": hook or "",
            "characters": [entry(e) for e in entries if e[1] == BibleKind.CHARACTER],
            "locations": [entry(e) for e in entries if e[1] == BibleKind.LOCATION],
            "voiceover": {
                "voiceId": voice_id,
                "audioUrl": url(voice_audio),
                "duration": voice_duration,
                "words": int(word_count or 0),
                "stale": bool(voice_stale),
            }
            if voice_row
            else None,
            "music": {
                "mood": mood,
                "tempo": tempo,
                "audioUrl": url(music_audio),
                "duration": music_duration,
                "stale": bool(music_stale),
            }
            if music_row
            else None,
            "render": {
                "videoUrl": url(video, "final"),
                "srtUrl": url(srt, "final"),
                "vttUrl": url(vtt, "final"),
                "duration": render_duration,
                "width": width,
                "height": height,
                "stale": bool(render_stale),
                "createdAt": _when(rendered_at),
            }
            if render_row
            else None,
            "thumbnail": {
                "imageUrl": url(thumb_image, "thumbnail"),
                "title": thumb_title,
                "stale": bool(thumb_stale),
            }
            if thumb_row
            else None,
        },
        credits_spent=int(spent or 0),
        text_provider=text_provider_info(registry.provider("text")),
        placeholder_text=[
            name
            for name, writers in (
                ("facts", [facts_by] if n_facts else []),
                ("outline", [c[3] for c in chapters]),
                ("hook", [hook_by] if hook else []),
                ("narration", [c[4] for c in chapters if c[1]]),
                ("analysis", [analysis_by]),
            )
            if PLACEHOLDER_WRITER in writers
        ],
    )
