"""The ``vidflow`` command against the live server: list output (table and --json), errors
without tracebacks, and ``make`` taking an idea to a real final.mp4 with a real worker."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import av
import pytest
from vidflow_client import VidflowClient
from vidflow_client.cli import main

from accounts.models import User
from tests.oauth import approve
from tests.workers import Worker

pytestmark = pytest.mark.django_db(transaction=True)


def vidflow(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def signed_in(token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDFLOW_TOKEN", token)


@pytest.mark.usefixtures("signed_in")
def test_projects_lists_newest_first_as_a_table_and_as_json(server: str, vf: VidflowClient) -> None:
    first = vf.create_project("Voyager", idea="Two probes")
    second = vf.create_project("Tides", idea="Why the sea breathes")

    code, out, err = vidflow("--url", server, "projects")
    json_code, json_out, _ = vidflow("--url", server, "projects", "--json")

    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STAGE", "UPDATED", "TITLE"]
    assert lines[1].startswith(second.id)
    assert lines[1].endswith("Tides")
    assert lines[2].startswith(first.id)
    assert "ideation" in lines[2]
    assert json_code == 0
    listed = json.loads(json_out)
    assert [p["id"] for p in listed] == [second.id, first.id]
    assert listed[0]["title"] == "Tides"


@pytest.mark.usefixtures("signed_in")
def test_project_shows_its_stage_and_balance_shows_credits(server: str, vf: VidflowClient) -> None:
    project = vf.create_project("Voyager", idea="Two probes")

    code, out, _ = vidflow("--url", server, "project", project.id)
    _, balance, _ = vidflow("--url", server, "balance")
    _, runs, _ = vidflow("--url", server, "runs", "--json")

    assert code == 0
    assert f"id:            {project.id}" in out
    assert "stage:         ideation" in out
    assert balance == "50 credits\n"
    assert json.loads(runs) == []


def _spend_down(user: User, to: int) -> None:
    from billing.services import balance_of, credits_adjust

    staff = User.objects.create_superuser(f"boss{uuid.uuid4().hex[:6]}", "b@example.com", "pw 1")
    credits_adjust(user=user, amount=to - balance_of(user=user), reason="test", actor=staff)


@pytest.mark.usefixtures("signed_in")
def test_make_checks_the_quote_before_spending_and_stops_with_the_figures(
    server: str, vf: VidflowClient, user: User
) -> None:
    from billing.models import LedgerEntry
    from projects.models import Project, Run

    _spend_down(user, 14)

    code, out, err = vidflow("--url", server, "make", "Why the sea has tides", "--length", "60")

    assert code == 1
    assert "[3/13] check the price against the balance" in err
    assert "error: INSUFFICIENT_CREDITS: this video needs about " in err
    assert "credits; your balance is 14" in err
    assert "Traceback" not in err
    assert out == ""
    # Nothing spent, nothing started, no half-built project left behind.
    assert vf.balance().balance == 14
    assert not LedgerEntry.objects.filter(account__user=user, kind="charge").exists()
    assert not Run.objects.filter(owner=user).exists()
    assert not Project.objects.filter(owner=user).exists()


@pytest.mark.usefixtures("signed_in")
def test_an_api_error_prints_code_and_message_and_exits_1(server: str) -> None:
    code, out, err = vidflow("--url", server, "project", str(uuid.uuid4()))

    assert code == 1
    assert out == ""
    assert err.startswith("error: NOT_FOUND: ")
    assert "Traceback" not in err


def test_not_signed_in_says_how_to_sign_in(server: str) -> None:
    code, _, err = vidflow("--url", server, "projects")

    assert code == 1
    assert "vidflow login" in err


def test_an_unreachable_server_is_a_clear_error() -> None:
    code, _, err = vidflow("--url", "http://127.0.0.1:9", "projects")

    assert code == 1
    assert err.startswith("error: CONNECTION_ERROR: Cannot reach http://127.0.0.1:9")


@pytest.mark.usefixtures("public_clients")
def test_login_prints_the_code_waits_for_approval_and_whoami_uses_it(
    server: str, user: User
) -> None:
    err = io.StringIO()

    class ApprovingErr(io.StringIO):
        """Approve as soon as the code is shown, as the user would in a browser."""

        def write(self, text: str) -> int:
            err.write(text)
            for word in text.split():
                if len(word) == 9 and word[4] == "-":
                    approve(user, word)
            return len(text)

    out = io.StringIO()
    code = main(["--url", server, "login"], out=out, err=ApprovingErr())
    who_code, who, _ = vidflow("--url", server, "whoami", "--json")
    logout_code, bye, _ = vidflow("--url", server, "logout")

    assert code == 0
    assert "/device" in err.getvalue()
    assert out.getvalue().startswith(f"Signed in to {server} (")
    assert who_code == 0
    info = json.loads(who)
    assert info["server"] == server
    assert info["client"] == "vidflow-cli"
    assert info["balance"] == 50
    assert "generate" in info["scopes"]
    assert logout_code == 0
    assert bye.startswith("Signed out")


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("vidflow")

    done = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)

    assert done.returncode == 0
    assert "make" in done.stdout
    assert "login" in done.stdout


@pytest.mark.slow
@pytest.mark.usefixtures("signed_in")
def test_make_turns_an_idea_into_final_mp4_on_disk(
    server: str, vf: VidflowClient, start_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    start_worker()
    target = tmp_path / "out" / "final.mp4"

    code, out, err = vidflow(
        "--url",
        server,
        "make",
        "How the Voyager probes left the solar system",
        "--length",
        "15",  # the shortest video: every stage, least work
        "--out",
        str(target),
    )

    assert code == 0, err
    assert out == f"{target}\n"
    assert "[1/13] create the project" in err
    assert "[3/13] check the price against the balance" in err
    assert "credits; your balance is 50" in err
    assert "[12/13] render final.mp4" in err
    assert "succeeded" in err
    with av.open(str(target)) as film:
        assert film.streams.video[0].codec_context.name == "h264"
        assert film.streams.audio[0].codec_context.name == "aac"
        duration = float(film.duration or 0) / 1_000_000
    project = vf.list_projects().results[0]
    detail = vf.get_project(project.id)
    assert detail.status == "publish"
    assert detail.selected.render is not None
    assert abs(duration - detail.selected.render.duration) <= 0.5
    assert detail.credits_spent > 0
    assert vf.balance().balance == 50 - detail.credits_spent


@pytest.mark.slow
@pytest.mark.usefixtures("signed_in")
def test_make_on_the_server_is_one_request_and_writes_final_mp4(
    server: str, vf: VidflowClient, start_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    from projects.models import Run

    start_worker()
    target = tmp_path / "final.mp4"

    code, out, err = vidflow(
        "--url", server, "make", "Why the sea has tides", "--length", "15", "--out", str(target),
        "--on-server",
    )  # fmt: skip

    assert code == 0, err
    assert out == f"{target}\n"
    assert "render…" in err
    assert "on the server" in err
    with av.open(str(target)) as film:
        assert film.streams.video[0].codec_context.name == "h264"
    make = Run.objects.get(kind="project.make")
    assert make.status == "succeeded"
    assert Run.objects.filter(params__parent=str(make.pk)).count() >= 8
