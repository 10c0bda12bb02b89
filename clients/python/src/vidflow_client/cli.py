"""The ``vidflow`` command: sign in, look at projects and runs, make a video from an idea.

Results go to stdout (``--json`` for machines); progress and errors go to stderr. An API error
prints its code and message and exits 1, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any, TextIO

from . import __version__
from .auth import ALL_SCOPES, CLI_CLIENT_ID, DeviceCode
from .client import VidflowClient
from .errors import NotSignedIn, RunFailed, VidflowError
from .models import Model, Quote, Run
from .pipeline import STEPS, Step, make_video, make_video_on_server

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return value.raw
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _print_json(value: Any, out: TextIO) -> None:
    json.dump(_jsonable(value), out, indent=2, default=str)
    out.write("\n")


def _table(rows: list[list[str]], headers: list[str], out: TextIO) -> None:
    if not rows:
        out.write("(none)\n")
        return
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]
    for row in [headers, *rows]:
        out.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
        out.write("\n")


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


class Cli:
    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err

    def client(self) -> VidflowClient:
        return VidflowClient(self.args.url, client_id=CLI_CLIENT_ID)

    def note(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()

    # --- sign-in -------------------------------------------------------------------------------

    def login(self) -> int:
        with self.client() as vf:

            def show(device: DeviceCode) -> None:
                self.note(
                    f"To sign in, open {device.verification_uri} and enter the code:\n\n"
                    f"    {device.user_code}\n\n"
                    f"or open {device.verification_uri_complete}\n"
                    f"(the code expires in {device.expires_in // 60} minutes). Waiting…"
                )
                if self.args.open:
                    webbrowser.open(device.verification_uri_complete)

            tokens = vf.login(self.args.scope, on_code=show)
            self.out.write(f"Signed in to {vf.base_url} ({tokens.scope}).\n")
        return 0

    def logout(self) -> int:
        with self.client() as vf:
            if vf.logout():
                self.out.write(f"Signed out of {vf.base_url}; the sign-in is revoked.\n")
            else:
                self.out.write(f"Not signed in to {vf.base_url}.\n")
        return 0

    def whoami(self) -> int:
        with self.client() as vf:
            if not vf.signed_in:
                raise NotSignedIn("Not signed in: run `vidflow login` or set VIDFLOW_TOKEN.")
            info: dict[str, Any] = {
                "server": vf.base_url,
                "client": vf.client_id,
                "credentials": vf.token_source,
            }
            if vf.tokens is not None:
                info["scopes"] = vf.tokens.scope
                if vf.tokens.expires_at:
                    info["accessTokenExpires"] = datetime.fromtimestamp(
                        vf.tokens.expires_at
                    ).isoformat(timespec="seconds")
            info["balance"] = vf.balance().balance
            if self.args.json:
                _print_json(info, self.out)
            else:
                for key, value in info.items():
                    self.out.write(f"{key}: {value}\n")
        return 0

    # --- reading -------------------------------------------------------------------------------

    def balance(self) -> int:
        with self.client() as vf:
            balance = vf.balance()
        if self.args.json:
            _print_json(balance, self.out)
        else:
            self.out.write(f"{balance.balance} credits\n")
        return 0

    def projects(self) -> int:
        with self.client() as vf:
            page = vf.list_projects(page_size=self.args.limit)
        if self.args.json:
            _print_json(page.results, self.out)
            return 0
        rows = [
            [p.id, p.status, _when(p.updated_at), p.selected_title or p.title] for p in page.results
        ]
        _table(rows, ["ID", "STAGE", "UPDATED", "TITLE"], self.out)
        return 0

    def project(self) -> int:
        with self.client() as vf:
            p = vf.get_project(self.args.project_id)
        if self.args.json:
            _print_json(p, self.out)
            return 0
        lines = [
            ("id", p.id),
            ("title", p.selected_title or p.title),
            ("idea", p.idea),
            ("stage", p.status),
            ("completed", ", ".join(p.completed_stages) or "-"),
            ("shots", f"{p.counts.shots.total} {p.counts.shots.by_state or ''}".strip()),
            ("active runs", str(p.counts.active_runs)),
            ("credits spent", str(p.credits_spent)),
            ("video", p.video_url or "-"),
        ]
        for key, value in lines:
            self.out.write(f"{key + ':':<15}{value}\n")
        return 0

    def runs(self) -> int:
        with self.client() as vf:
            page = vf.list_runs(
                project_id=self.args.project,
                status=self.args.status,
                page_size=self.args.limit,
            )
        if self.args.json:
            _print_json(page.results, self.out)
            return 0
        rows = [
            [
                r.id,
                r.kind,
                r.status,
                f"{r.progress.done}/{r.progress.total}",
                str(r.credits_charged - r.credits_refunded),
                _when(r.created_at),
                r.error.code if r.error else "",
            ]
            for r in page.results
        ]
        _table(rows, ["ID", "KIND", "STATUS", "PROGRESS", "CREDITS", "CREATED", "ERROR"], self.out)
        return 0

    def run(self) -> int:
        with self.client() as vf:
            if self.args.wait:
                try:
                    run = vf.wait_for_run(self.args.run_id, on_progress=self._progress_line)
                except RunFailed as failed:
                    run = failed.run
            else:
                run = vf.get_run(self.args.run_id)
        if self.args.json:
            _print_json(run, self.out)
        else:
            self.out.write(f"{run.id} {run.kind} {run.status}")
            self.out.write(f" {run.progress.done}/{run.progress.total}\n")
            if run.error:
                self.out.write(f"error: {run.error.code}: {run.error.message}\n")
        return 0 if run.status in ("succeeded", "queued", "running") else EXIT_ERROR

    def _progress_line(self, run: Run) -> None:
        self.note(f"  {run.kind}: {run.status} {run.progress.done}/{run.progress.total}")

    def voices(self) -> int:
        with self.client() as vf:
            voices = vf.list_voices()
        if self.args.json:
            _print_json(voices, self.out)
            return 0
        rows = [[v.id, v.language, v.engine, v.name] for v in voices]
        _table(rows, ["ID", "LANGUAGE", "ENGINE", "NAME"], self.out)
        return 0

    def channels(self) -> int:
        with self.client() as vf:
            page = vf.list_channels(page_size=self.args.limit)
        if self.args.json:
            _print_json(page.results, self.out)
            return 0
        rows = [
            [c.id, c.name, c.language, "yes" if c.youtube_connected else "no"] for c in page.results
        ]
        _table(rows, ["ID", "NAME", "LANGUAGE", "YOUTUBE"], self.out)
        return 0

    # --- making --------------------------------------------------------------------------------

    def make(self) -> int:
        if self.args.on_server:
            return self._make_on_server()
        total = len(STEPS) - (0 if self.args.music else 1)
        index = {"n": 0}
        started = {"at": time.monotonic()}
        began = time.monotonic()

        def on_step(step: Step) -> None:
            index["n"] += 1
            started["at"] = time.monotonic()
            self.note(f"[{index['n']}/{total}] {step.label}…")

        def on_progress(step: Step, run: Run) -> None:
            elapsed = time.monotonic() - started["at"]
            done, of = run.progress.done, run.progress.total
            counted = f" {done}/{of}" if of else ""
            self.note(f"      {run.status}{counted} ({elapsed:.0f}s)")

        def on_quote(quote: Quote) -> None:
            about = "about " if quote.estimate else ""
            self.note(
                f"      this video needs {about}{quote.total} credits; "
                f"your balance is {quote.balance}"
            )

        with self.client() as vf:
            made = make_video(
                vf,
                self.args.idea,
                out=self.args.out,
                title=self.args.title,
                target_seconds=self.args.length,
                voice_id=self.args.voice,
                music_mood=self.args.music or None,
                captions=self.args.captions,
                on_step=on_step,
                on_progress=on_progress,
                on_quote=on_quote,
            )
        minutes, seconds = divmod(time.monotonic() - began, 60)
        self.note(
            f"Done in {int(minutes)}m{seconds:02.0f}s: project {made.project.id}, "
            f"{made.credits_spent} credits."
        )
        if self.args.json:
            _print_json({"path": str(made.path.resolve()), "projectId": made.project.id}, self.out)
        else:
            self.out.write(f"{made.path.resolve()}\n")
        return 0

    def _make_on_server(self) -> int:
        began = time.monotonic()
        seen = {"stage": ""}

        def on_progress(run: Run) -> None:
            stage = run.progress.stage or ""
            if stage and stage != seen["stage"]:
                seen["stage"] = stage
                done, of = run.progress.done, run.progress.total
                self.note(f"[{done + 1}/{of}] {stage.replace('_', ' ')}…")

        with self.client() as vf:
            made = make_video_on_server(
                vf,
                self.args.idea,
                out=self.args.out,
                title=self.args.title,
                target_seconds=self.args.length,
                voice_id=self.args.voice,
                music=bool(self.args.music),
                captions=self.args.captions,
                on_progress=on_progress,
            )
        minutes, seconds = divmod(time.monotonic() - began, 60)
        self.note(
            f"Done in {int(minutes)}m{seconds:02.0f}s on the server: project {made.project.id}, "
            f"{made.credits_spent} credits."
        )
        if self.args.json:
            _print_json({"path": str(made.path.resolve()), "projectId": made.project.id}, self.out)
        else:
            self.out.write(f"{made.path.resolve()}\n")
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidflow", description="VidFlow from the command line: an idea to a video."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--url", help="the VidFlow server (default: $VIDFLOW_URL or http://127.0.0.1:8000)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, handler: Callable[[Cli], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    def with_json(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--json", action="store_true", help="print JSON")
        return p

    login = command(
        "login", "sign in with the device flow (a code to approve in a browser)", Cli.login
    )
    login.add_argument(
        "--scope", default=ALL_SCOPES, help=f"scopes to ask for (default: {ALL_SCOPES})"
    )
    login.add_argument("--open", action="store_true", help="open the approval page in a browser")
    command("logout", "revoke the stored sign-in and forget it", Cli.logout)
    with_json(command("whoami", "which server and sign-in are in use, and the balance", Cli.whoami))
    with_json(command("balance", "your credits", Cli.balance))
    projects = with_json(command("projects", "your projects, newest first", Cli.projects))
    projects.add_argument("--limit", type=int, default=20, help="at most this many (max 100)")
    project = with_json(command("project", "one project's stage and artifacts", Cli.project))
    project.add_argument("project_id")
    runs = with_json(command("runs", "recent runs (asynchronous work)", Cli.runs))
    runs.add_argument("--project", help="only this project's")
    runs.add_argument("--status", choices=["queued", "running", "succeeded", "failed", "cancelled"])
    runs.add_argument("--limit", type=int, default=20)
    run = with_json(command("run", "one run (--wait: until it ends)", Cli.run))
    run.add_argument("run_id")
    run.add_argument("--wait", action="store_true")
    with_json(command("voices", "the voices the server can speak with", Cli.voices))
    channels = with_json(command("channels", "your channels", Cli.channels))
    channels.add_argument("--limit", type=int, default=20)

    make = with_json(command("make", "the whole pipeline: an idea to final.mp4 on disk", Cli.make))
    make.add_argument(
        "idea", help='what the video is about, e.g. "How Voyager left the solar system"'
    )
    make.add_argument("--title", help="the video's title (default: the first suggested)")
    make.add_argument(
        "--length", type=int, default=30, help="target length in seconds (default 30)"
    )
    make.add_argument("--out", default="final.mp4", help="where to write the video")
    make.add_argument("--voice", help="a voice id from `vidflow voices`")
    make.add_argument(
        "--music",
        default="inspiring",
        help="music mood: calm, upbeat, tense, inspiring, dark, playful; '' for none",
    )
    make.add_argument("--no-captions", dest="captions", action="store_false")
    make.add_argument(
        "--on-server",
        action="store_true",
        help="one request: the server makes the video (quick mode); closing this loses nothing",
    )
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    cli = Cli(args, out, err)
    try:
        return int(args.handler(cli))
    except RunFailed as exc:
        err.write(f"error: {exc}\n")
        if exc.run.project_id:
            err.write(f"(project {exc.run.project_id}, run {exc.run.id})\n")
        return EXIT_ERROR
    except VidflowError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
