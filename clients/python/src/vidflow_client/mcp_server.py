"""``vidflow-mcp``: VidFlow as MCP tools, so an assistant can take an idea to a published video.

    vidflow-mcp login              # once: the device flow, as the `vidflow-mcp` client
    vidflow-mcp                    # stdio (what desktop MCP clients launch)
    vidflow-mcp --http --port 8765 # streamable HTTP at http://127.0.0.1:8765/mcp

Every tool is a thin call of the SDK. Generation takes minutes, so the tools that start it return
at once with a ``runId``; ``get_run`` (which can hold up to 25 s until the run changes) tells when
it is done. An API error comes back as a tool error carrying the API's code and message.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, NotRequired, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field
from typing_extensions import TypedDict

from . import __version__
from .auth import ALL_SCOPES, MCP_CLIENT_ID, DeviceCode
from .client import LONG_POLL, VidflowClient
from .errors import VidflowError, not_enough_credits
from .models import Accepted, Model, Quote

F = TypeVar("F", bound=Callable[..., Any])

TOOL_NAMES = (
    "create_project",
    "generate_script",
    "generate_visual_bible",
    "plan_shots",
    "generate_all_shots",
    "regenerate_shot",
    "generate_audio",
    "pick_voice",
    "generate_thumbnail",
    "render",
    "publish_youtube",
    "list_projects",
    "get_project",
    "list_channels",
    "list_voices",
    "get_run",
    "list_runs",
    "get_quote",
    "make_video",
)

INSTRUCTIONS = """\
VidFlow turns an idea into a narrated video. In one go: make_video(idea) makes it on the server
(follow its runId with get_run). Or stage by stage, in the order that works:
create_project → generate_script → generate_visual_bible → generate_audio (voiceover, then
optionally music) → plan_shots → generate_all_shots → render → (generate_thumbnail,
publish_youtube). Tools that generate start a run and return its runId at once: call get_run
with wait_seconds=25 until its status is succeeded (or failed/cancelled, with an error) before
the next stage. get_project shows the stage, what is stale after edits and the final video link.
Generating spends the user's credits; planning shots and listing are free. get_quote tells what
the rest of the way to final.mp4 costs; the generating tools on that way check it first and
refuse (spending nothing) when the balance does not cover it."""


# What the tools answer (their MCP output schemas). Projects, runs, shots and the like are the
# API's own objects, as GET /api/... answers them (see /api/schema).
Obj = dict[str, Any]


class Started(TypedDict):
    """A run started: follow runId with get_run until it ends."""

    runId: str
    status: str
    kind: str
    creditsCharged: int
    next: str


class ShotStarted(Started):
    shot: Obj


class MakeStarted(Started):
    projectId: str


class QuoteStep(TypedDict):
    label: str
    credits: int
    quantity: float
    unit: str


class QuoteView(TypedDict):
    """What the rest of the way to an up-to-date final.mp4 costs."""

    total: int
    balance: int
    covered: bool
    estimate: bool
    steps: list[QuoteStep]


class ProjectQuote(QuoteView):
    projectId: str


class Created(TypedDict):
    project: Obj
    titleIdeas: list[Obj]
    quote: QuoteView
    next: str


class ProjectView(TypedDict):
    project: Obj
    shots: NotRequired[list[Obj]]


class ProjectList(TypedDict):
    projects: list[Obj]
    more: bool


class ChannelList(TypedDict):
    channels: list[Obj]


class VoiceList(TypedDict):
    voices: list[Obj]


class RunView(TypedDict):
    run: Obj


class RunList(TypedDict):
    runs: list[Obj]


def _d(text: str) -> Any:
    """A tool parameter's own description (its JSON schema's ``description``)."""
    return Field(description=text)


ProjectId = Annotated[str, _d("The project's id (from create_project or list_projects).")]


def _started(accepted: Accepted, next_step: str) -> Started:
    return {
        "runId": accepted.run_id,
        "status": accepted.run.status,
        "kind": accepted.run.kind,
        "creditsCharged": accepted.run.credits_charged,
        "next": f"Poll get_run(run_id='{accepted.run_id}', wait_seconds=25) until it ends; "
        f"then {next_step}",
    }


def _raw(items: Sequence[Model]) -> list[dict[str, Any]]:
    return [item.raw for item in items]


def _api_errors(fn: F) -> F:
    """An API error becomes a tool error the model can read: code, message, field details."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except VidflowError as exc:
            text = f"{exc.code}: {exc.message}"
            if exc.details:
                text += f" details={exc.details}"
            raise ToolError(text) from exc

    return wrapper  # type: ignore[return-value]


def build_server(client: VidflowClient) -> MCPServer:
    """An MCP server whose tools call the API through ``client``."""
    server: MCPServer = MCPServer(
        name="vidflow", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )

    def tool(fn: F) -> F:
        server.add_tool(_api_errors(fn), name=fn.__name__)
        return fn

    def affordable(project_id: str, *, music: bool = False) -> Quote:
        """Before spending: the balance must cover the whole way to final.mp4 (else a tool
        error with the figures, and nothing spent), so no project is left half-built."""
        quote = client.get_quote(project_id, music=music)
        if not quote.covered:
            raise not_enough_credits(quote)
        return quote

    def quote_view(quote: Quote) -> QuoteView:
        return {
            "total": quote.total,
            "balance": quote.balance,
            "covered": quote.covered,
            "estimate": quote.estimate,
            "steps": [
                {"label": s.label, "credits": s.credits, "quantity": s.quantity, "unit": s.unit}
                for s in quote.steps
            ],
        }

    @tool
    def create_project(
        idea: Annotated[str, _d("What the video is about, in a sentence or a paragraph.")],
        title: Annotated[
            str | None, _d("The video's title; omitted: five are suggested, the best chosen.")
        ] = None,
        target_seconds: Annotated[
            int, _d("Target length in seconds, 15..1800 (the narration decides the real one).")
        ] = 60,
        voice_id: Annotated[str | None, _d("A voice id from list_voices.")] = None,
        channel_id: Annotated[str | None, _d("A channel id from list_channels.")] = None,
        aspect_ratio: Annotated[
            Literal["16:9", "9:16"], _d("16:9 (landscape) or 9:16 (shorts).")
        ] = "16:9",
    ) -> Created:
        """Create a video project from an idea and choose its title, ready for generate_script.

        idea: what the video is about, in a sentence or a paragraph.
        title: the video's title; if omitted, title ideas are suggested and the best is chosen
        (the others are returned in titleIdeas).
        target_seconds: target length, 15..1800 (the narration decides the real length).
        voice_id: a voice from list_voices (optional). channel_id: from list_channels (optional).
        aspect_ratio: 16:9 (landscape) or 9:16 (shorts).
        Returns the project (id, status, ...) and the title ideas."""
        project = client.create_project(
            title or " ".join(idea.split()[:12])[:200],
            idea=idea,
            target_seconds=target_seconds,
            voice_id=voice_id,
            channel_id=channel_id,
            aspect_ratio=aspect_ratio,
        )
        ideas = []
        if title:
            client.update_project(project.id, selected_title=title)
        else:
            ideas = client.suggest_titles(project.id, count=5)
            client.select_title(project.id, ideas[0].id)
        quote = client.get_quote(project.id)
        about = "about " if quote.estimate else ""
        cost = f"This video needs {about}{quote.total} credits; your balance is {quote.balance}."
        return {
            "project": client.get_project(project.id).raw,
            "titleIdeas": _raw(ideas),
            "quote": quote_view(quote),
            "next": f"{cost} generate_script(project_id='{project.id}')"
            if quote.covered
            else f"{cost} Not enough credits: buy credits or ask staff before generate_script.",
        }

    @tool
    def generate_script(
        project_id: ProjectId,
        part: Annotated[
            Literal["all", "outline", "hook", "chapters"],
            _d("outline, hook or chapters; all starts the outline and says what follows."),
        ] = "all",
        chapters: Annotated[
            int | None, _d("How many chapters the outline gets, 1..12 (optional).")
        ] = None,
    ) -> Started:
        """Write the script (spends credits), one part at a time, each a run that starts at once:
        the outline first, then the hook, then the chapter narration (part='all' starts the
        outline). Returns the runId; when it succeeds, call the next part. Needs a selected title
        (create_project does that)."""
        affordable(project_id)
        if part == "hook":
            return _started(client.generate_hook(project_id), "generate_script(part='chapters')")
        if part == "chapters":
            return _started(
                client.generate_chapters(project_id), f"generate_visual_bible('{project_id}')"
            )
        outline = client.generate_outline(project_id, chapters=chapters)
        return _started(outline, "generate_script(part='hook'), then part='chapters'")

    @tool
    def generate_visual_bible(
        project_id: ProjectId,
        max_characters: Annotated[int | None, _d("At most this many characters.")] = None,
        max_locations: Annotated[int | None, _d("At most this many locations.")] = None,
    ) -> Started:
        """Extract the characters and locations from the narration and draw a reference picture
        of each (spends credits: charged for the most it may draw, the rest refunded). Needs the
        chapters narrated. Returns a runId."""
        affordable(project_id)
        accepted = client.generate_visual_bible(
            project_id, max_characters=max_characters, max_locations=max_locations
        )
        return _started(accepted, f"generate_audio('{project_id}')")

    @tool
    def generate_audio(
        project_id: ProjectId,
        track: Annotated[
            Literal["voiceover", "music"], _d("voiceover (first), or music (after it).")
        ] = "voiceover",
        voice_id: Annotated[
            str | None, _d("Voiceover: a voice id from list_voices; else the project's.")
        ] = None,
        mood: Annotated[
            Literal["calm", "upbeat", "tense", "inspiring", "dark", "playful"],
            _d("Music: its mood."),
        ] = "calm",
        tempo: Annotated[int, _d("Music: beats per minute, 50..200.")] = 90,
    ) -> Started:
        """Make the sound (spends credits). track='voiceover' speaks the hook and chapters with
        word timings (voice_id from list_voices, else the project's voice; charged per started
        minute). track='music' makes a music bed as long as the narration (mood, tempo 50..200):
        run it after the voiceover succeeded. Returns a runId."""
        affordable(project_id, music=track == "music")
        if track == "music":
            accepted = client.generate_music(project_id, mood=mood, tempo=tempo)
            return _started(accepted, f"plan_shots('{project_id}')")
        accepted = client.generate_voiceover(project_id, voice_id=voice_id)
        return _started(
            accepted, f"optionally generate_audio(track='music'), then plan_shots('{project_id}')"
        )

    @tool
    def pick_voice(
        project_id: ProjectId,
        voice_id: Annotated[str, _d("A voice id from list_voices.")],
    ) -> ProjectView:
        """Set the project's narration voice (a voice id from list_voices). Takes effect at the
        next generate_audio(track='voiceover'); an existing voiceover is not redone by itself."""
        project = client.pick_voice(project_id, voice_id)
        return {"project": project.raw}

    @tool
    def plan_shots(
        project_id: ProjectId,
        replace: Annotated[bool, _d("Plan again over shots already generated.")] = False,
    ) -> Started:
        """Plan the shots: cut the narration into shots of about 5 s aligned to the voiceover's
        word timings, each with a kind (image, video, talking_head) and a prompt. Free. Needs a
        voiceover. replace=true re-plans over generated shots. Returns a runId."""
        return _started(
            client.plan_shots(project_id, replace=replace), f"generate_all_shots('{project_id}')"
        )

    @tool
    def generate_all_shots(project_id: ProjectId) -> Started:
        """Generate every shot that is planned, failed or stale (spends credits per shot: an
        image step and a video step). Returns a runId whose progress counts shots done."""
        affordable(project_id)
        return _started(client.generate_all_shots(project_id), f"render('{project_id}')")

    @tool
    def regenerate_shot(
        project_id: ProjectId,
        shot_id: Annotated[str, _d("The shot's id (get_project with include_shots=true).")],
        prompt: Annotated[str | None, _d("A new prompt for the shot's picture first.")] = None,
        kind: Annotated[
            Literal["image", "video", "talking_head"] | None, _d("A new kind for the shot first.")
        ] = None,
    ) -> ShotStarted:
        """Regenerate one shot (spends credits), optionally with a new prompt or kind first.
        Shot ids are in get_project(..., include_shots=true). Returns a runId; render again
        afterwards to use it."""
        if prompt is not None or kind is not None:
            client.update_shot(project_id, shot_id, prompt=prompt, kind=kind)
        shot_run = client.generate_shot(project_id, shot_id)
        return {**_started(shot_run, f"render('{project_id}')"), "shot": shot_run.shot.raw}

    @tool
    def generate_thumbnail(
        project_id: ProjectId,
        shot_id: Annotated[
            str | None, _d("The shot whose picture it uses; default the key shot.")
        ] = None,
        title: Annotated[str | None, _d("The words on it; default the selected title.")] = None,
    ) -> Started:
        """Make a 1280x720 thumbnail from a shot's image (default: the key shot) with the title
        (default: the selected title) in large type. Spends credits. Returns a runId."""
        accepted = client.generate_thumbnail(project_id, shot_id=shot_id, title=title)
        return _started(accepted, f"get_project('{project_id}') for the thumbnail link")

    @tool
    def render(
        project_id: ProjectId,
        captions: Annotated[bool, _d("Burn the captions into the picture.")] = True,
        resolution: Annotated[
            Literal["720p", "1080p"] | None, _d("The output size; default the project's.")
        ] = None,
    ) -> Started:
        """Render final.mp4 from the shots, the voiceover and the music (H.264 + AAC, burned-in
        captions unless captions=false). Spends credits. Needs every shot generated. Returns a
        runId; when it succeeds get_project shows the video link (selected.render.videoUrl)."""
        affordable(project_id)
        accepted = client.render(project_id, captions=captions, resolution=resolution)
        return _started(accepted, f"get_project('{project_id}') for the video link")

    @tool
    def publish_youtube(
        project_id: ProjectId,
        privacy: Annotated[
            Literal["private", "unlisted", "public"], _d("Who may see the video on YouTube.")
        ] = "private",
        title: Annotated[str | None, _d("The video's title; default the project's.")] = None,
        description: Annotated[
            str | None, _d("The description; default the drafted one, with chapters.")
        ] = None,
        tags: Annotated[list[str] | None, _d("YouTube tags.")] = None,
        publish_at: Annotated[
            str | None, _d("RFC 3339 time to publish a scheduled private video.")
        ] = None,
    ) -> Started:
        """Upload the rendered video and its thumbnail to the project's channel on YouTube.
        Needs a render and a channel connected to YouTube (else YOUTUBE_NOT_CONNECTED: the user
        connects it in the web app). publish_at: RFC 3339 time for a scheduled private video.
        Returns a runId."""
        accepted = client.publish_youtube(
            project_id,
            privacy=privacy,
            title=title,
            description=description,
            tags=tags,
            publish_at=publish_at,
        )
        return _started(accepted, "the run's result has the YouTube video id")

    @tool
    def make_video(
        idea: Annotated[str, _d("What the video is about, in a sentence or a paragraph.")],
        target_seconds: Annotated[int, _d("Target length in seconds, 15..1800.")] = 60,
        title: Annotated[str | None, _d("The video's title; omitted: made from the idea.")] = None,
        aspect_ratio: Annotated[
            Literal["16:9", "9:16", "1:1"], _d("16:9 (landscape), 9:16 (shorts) or 1:1.")
        ] = "16:9",
        voice_id: Annotated[str | None, _d("A voice id from list_voices.")] = None,
        music: Annotated[bool, _d("Lay a music bed under the narration.")] = True,
    ) -> MakeStarted:
        """Quick mode, one call: create a project from the idea and let the server make it to
        final.mp4 and a thumbnail, stage by stage. Refused before anything is spent when the
        balance does not cover it. Returns runId and projectId at once: follow with get_run
        (progress.stage says where it is), then get_project for the video link."""
        started = client.start_make(
            idea,
            title=title,
            target_seconds=target_seconds,
            aspect_ratio=aspect_ratio,
            voice_id=voice_id,
            music=music,
        )
        result = _started(started, "get_project(projectId) for the video")
        return {**result, "projectId": started.project_id}

    @tool
    def get_quote(
        project_id: ProjectId,
        music: Annotated[bool, _d("Count a music bed in (false leaves it out).")] = True,
    ) -> ProjectQuote:
        """What the project costs from its current state to an up-to-date final.mp4: each
        remaining step with its credits, the total, the balance and whether it covers it. Free.
        music=false leaves a music bed out."""
        return {"projectId": project_id, **quote_view(client.get_quote(project_id, music=music))}

    @tool
    def list_projects(
        limit: Annotated[int, _d("How many, 1..100, newest first.")] = 20,
    ) -> ProjectList:
        """The user's projects, newest first (id, title, status = current stage)."""
        page = client.list_projects(page_size=max(1, min(limit, 100)))
        return {"projects": _raw(page.results), "more": page.next_url is not None}

    @tool
    def get_project(
        project_id: ProjectId,
        include_shots: Annotated[
            bool, _d("Add every shot (id, kind, state, prompt, links).")
        ] = False,
    ) -> ProjectView:
        """One project: its stage (status), completedStages, what is stale after edits, counts,
        credits spent, and the selected artifacts with links (selected.render.videoUrl is the
        final video). include_shots adds every shot (id, kind, state, prompt, links)."""
        result: ProjectView = {"project": client.get_project(project_id).raw}
        if include_shots:
            result["shots"] = _raw(client.list_shots(project_id))
        return result

    @tool
    def list_channels() -> ChannelList:
        """The user's channels (niche, audience, tone, language, default voice, visual style,
        whether YouTube is connected); pass a channel id to create_project."""
        return {"channels": _raw(client.list_channels(page_size=100).results)}

    @tool
    def list_voices() -> VoiceList:
        """The voices the narration can use (id, name, language, engine)."""
        return {"voices": _raw(client.list_voices())}

    @tool
    def get_run(
        run_id: Annotated[str, _d("The run's id (a generating tool's runId).")],
        wait_seconds: Annotated[
            int, _d("0..25: hold the answer until the run changes or this time passes.")
        ] = 0,
    ) -> RunView:
        """A run's status (queued, running, succeeded, failed, cancelled), progress {done,
        total}, result, error and credits. wait_seconds (0..25) holds the answer until the run
        changes or the time passes: use 25 to wait for a run without calling in a tight loop."""
        wait = max(0, min(wait_seconds, LONG_POLL))
        return {"run": client.get_run(run_id, wait=wait or None).raw}

    @tool
    def list_runs(
        project_id: Annotated[str | None, _d("Only this project's runs.")] = None,
        status: Annotated[
            Literal["queued", "running", "succeeded", "failed", "cancelled"] | None,
            _d("Only runs in this status."),
        ] = None,
        limit: Annotated[int, _d("How many, 1..100, newest first.")] = 20,
    ) -> RunList:
        """Recent runs, newest first, optionally of one project or in one status."""
        page = client.list_runs(
            project_id=project_id, status=status, page_size=max(1, min(limit, 100))
        )
        return {"runs": _raw(page.results)}

    return server


def _login(client: VidflowClient, scope: str) -> int:
    def show(device: DeviceCode) -> None:
        print(
            f"To sign the MCP server in, open {device.verification_uri} and enter "
            f"{device.user_code}\n(or open {device.verification_uri_complete}). Waiting…",
            file=sys.stderr,
        )

    try:
        tokens = client.login(scope, on_code=show)
    except VidflowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Signed in to {client.base_url} as {MCP_CLIENT_ID} ({tokens.scope}).", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vidflow-mcp",
        description="VidFlow's MCP server (stdio by default). Sign in once with `vidflow-mcp "
        "login`, or set VIDFLOW_TOKEN.",
    )
    parser.add_argument("command", nargs="?", choices=["serve", "login", "logout"], default="serve")
    parser.add_argument("--url", help="the VidFlow server (default: $VIDFLOW_URL)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scope", default=ALL_SCOPES, help="scopes asked for by login")
    args = parser.parse_args(argv)

    client = VidflowClient(args.url, client_id=MCP_CLIENT_ID)
    try:
        if args.command == "login":
            return _login(client, args.scope)
        if args.command == "logout":
            revoked = client.logout()
            print("Signed out." if revoked else "Not signed in.", file=sys.stderr)
            return 0
        if not client.signed_in:
            print(
                f"note: not signed in to {client.base_url}; tools will fail until "
                "`vidflow-mcp login` is run or VIDFLOW_TOKEN is set.",
                file=sys.stderr,
            )
        server = build_server(client)
        if args.http:
            server.run("streamable-http", host=args.host, port=args.port)
        else:
            server.run("stdio")
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
