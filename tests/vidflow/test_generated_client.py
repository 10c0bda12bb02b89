"""A client nobody here wrote: generated from our /api/schema by ``openapi-python-client`` in a
temporary folder, imported, and used to take a project from creation through the outline, the
chapters, the voiceover and the shot plan to a generated shot (issue 15).

If the schema and the answers disagree (a list said to be an object, a body declared three ways,
an undocumented status), the generated code fails to import, fails to parse an answer, or returns
``None`` where it expected a model; each step below asserts the parsed model."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import Api
from tests.workers import Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PACKAGE = "vidflow_generated_api"


@pytest.fixture
def generated(live_api: Api, tmp_path: Path) -> Iterator[Any]:
    schema = tmp_path / "schema.json"
    schema.write_bytes(live_api.http.get("/api/schema?format=json").content)
    bin_dir = Path(sys.executable).parent
    generator = shutil.which("openapi-python-client", path=str(bin_dir)) or shutil.which(
        "openapi-python-client"
    )
    assert generator, "pip install openapi-python-client (the dev extra)"
    subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=300,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _module(package: Any, dotted: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{dotted}")


def test_a_generated_client_drives_a_project_to_its_shots(
    generated: Any, live_api: Api, start_worker: Callable[..., Worker]
) -> None:
    start_worker()
    token = live_api.http.headers["Authorization"].removeprefix("Bearer ")
    client = generated.AuthenticatedClient(
        base_url=str(live_api.http.base_url).rstrip("/"),
        token=token,
        timeout=httpx.Timeout(120),
        raise_on_unexpected_status=True,
    )
    models = _module(generated, "models")
    api = lambda dotted: _module(generated, f"api.{dotted}")  # noqa: E731

    def data(response: Any) -> Any:
        parsed = response.parsed
        assert response.status_code < 300, (response.status_code, response.content)
        assert not isinstance(parsed, models.ErrorEnvelope), parsed
        assert parsed is not None
        assert parsed.success is True
        return parsed.data

    def finished(accepted: Any) -> Any:
        run_id = str(accepted.run_id)
        for _ in range(60):
            run = data(api("runs.runs_retrieve").sync_detailed(run_id, client=client, wait=10))
            status = getattr(run.status, "value", run.status)
            if status not in ("queued", "running"):
                assert status == "succeeded", run
                return run
        pytest.fail(f"run {run_id} did not finish")

    # given a project made with the generated client
    project = data(
        api("projects.projects_create").sync_detailed(
            client=client,
            body=models.ProjectRequest(
                title="Voyager",
                idea="How the Voyager probes left the solar system",
                target_seconds=20,
            ),
        )
    )
    pid = str(project.id)

    # when it goes through ideation and the script
    ideas = data(
        api("ideation.projects_titles_create").sync_detailed(
            pid, client=client, body=models.SuggestTitlesRequest(count=2)
        )
    )
    assert len(ideas.results) == 2
    assert ideas.next_ is None
    data(
        api("ideation.projects_titles_select_create").sync_detailed(
            pid, str(ideas.results[0].id), client=client
        )
    )
    finished(
        data(
            api("script.projects_script_outline_create").sync_detailed(
                pid, client=client, body=models.OutlineRequestRequest(chapters=2)
            )
        )
    )
    finished(
        data(
            api("script.projects_script_chapters_create").sync_detailed(
                pid, client=client, body=models.ChaptersRequestRequest()
            )
        )
    )
    chapters = data(api("script.projects_script_chapters_list").sync_detailed(pid, client=client))
    assert len(chapters.results) == 2
    assert all(c.narration for c in chapters.results)

    # and through the voiceover to the shot plan
    finished(
        data(
            api("voiceover.projects_voiceover_generate_create").sync_detailed(
                pid, client=client, body=models.VoiceoverRequestRequest()
            )
        )
    )
    finished(
        data(
            api("production.projects_timeline_shots_plan_create").sync_detailed(
                pid, client=client, body=models.PlanRequestRequest()
            )
        )
    )
    shots = data(api("production.projects_timeline_shots_list").sync_detailed(pid, client=client))
    assert shots.results
    assert shots.next_ is None
    first = shots.results[0]

    # then a shot is generated through it, and reads back ready
    accepted = data(
        api("production.projects_timeline_shots_generate_create").sync_detailed(
            pid, str(first.id), client=client, body=models.GenerateRequestRequest()
        )
    )
    finished(accepted)
    shot = data(
        api("production.projects_timeline_shots_retrieve").sync_detailed(
            pid, str(first.id), client=client
        )
    )
    assert getattr(shot.state, "value", shot.state) == "ready"
