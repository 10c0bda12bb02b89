"""The MCP server against the live server, through the mcp SDK's own client: in process, and
the ``vidflow-mcp`` console script over stdio."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from vidflow_client import VidflowClient
from vidflow_client.mcp_server import TOOL_NAMES, build_server

pytestmark = pytest.mark.django_db(transaction=True)


def run_async(go: Callable[[], Awaitable[Any]]) -> Any:
    """``go`` on an event loop of its own thread: the browser tests' session-wide Playwright
    keeps a loop running in the main thread for the rest of the session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, go).result()


def in_process(vf: VidflowClient, scenario: Callable[[Client], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        async with Client(build_server(vf)) as client:
            return await scenario(client)

    return run_async(go)


def payload(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return dict(json.loads(result.content[0].text))


def test_every_tool_is_listed_with_a_description(vf: VidflowClient) -> None:
    async def scenario(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = in_process(vf, scenario)

    assert sorted(t.name for t in tools) == sorted(TOOL_NAMES)
    assert len(tools) == 19
    assert all(len(t.description or "") > 40 for t in tools)
    get_run = next(t for t in tools if t.name == "get_run")
    assert set(get_run.input_schema["properties"]) == {"run_id", "wait_seconds"}
    for tool in tools:  # every parameter says what it is; every answer has a schema
        for name, parameter in tool.input_schema.get("properties", {}).items():
            assert len(parameter.get("description", "")) > 10, (tool.name, name)
        assert tool.output_schema["properties"], tool.name
    generating = [t for t in tools if "runId" in t.output_schema["properties"]]
    assert {t.name for t in generating} >= {"generate_script", "render", "make_video"}
    assert all("runId" in t.output_schema["required"] for t in generating)


def test_create_project_then_get_project(vf: VidflowClient) -> None:
    async def scenario(client: Client) -> tuple[Any, Any]:
        created = await client.call_tool(
            "create_project",
            {"idea": "How the Voyager probes left the solar system", "target_seconds": 30},
        )
        project_id = payload(created)["project"]["id"]
        fetched = await client.call_tool("get_project", {"project_id": project_id})
        return payload(created), payload(fetched)

    created, fetched = in_process(vf, scenario)

    project = fetched["project"]
    assert project["id"] == created["project"]["id"]
    assert project["targetSeconds"] == 30
    assert project["selectedTitle"] == created["titleIdeas"][0]["text"]
    assert len(created["titleIdeas"]) == 5
    assert vf.get_project(project["id"]).selected_title == project["selectedTitle"]


def test_a_long_tool_returns_a_run_id_that_get_run_reports(
    vf: VidflowClient, idle_queue: str
) -> None:
    """No worker takes the run (an idle queue): the tool still answers at once, with the run
    queued; it never waits inside the call for the work."""

    async def scenario(client: Client) -> tuple[Any, Any, Any]:
        created = payload(
            await client.call_tool("create_project", {"idea": "Tides", "title": "Why tides"})
        )
        project_id = created["project"]["id"]
        started = payload(await client.call_tool("generate_script", {"project_id": project_id}))
        run = payload(await client.call_tool("get_run", {"run_id": started["runId"]}))
        runs = payload(await client.call_tool("list_runs", {"project_id": project_id}))
        return started, run, runs

    started, run, runs = in_process(vf, scenario)

    assert started["status"] == "queued"
    assert started["kind"] == "script.outline"
    assert "get_run" in started["next"]
    assert "part='hook'" in started["next"]
    assert run["run"]["id"] == started["runId"]
    assert run["run"]["status"] == "queued"
    assert run["run"]["creditsCharged"] == started["creditsCharged"] > 0
    assert [r["id"] for r in runs["runs"]] == [started["runId"]]
    vf.cancel_run(started["runId"])


def test_api_errors_come_back_as_tool_errors_with_the_code(vf: VidflowClient) -> None:
    async def scenario(client: Client) -> tuple[Any, Any]:
        missing = await client.call_tool("get_project", {"project_id": str(uuid.uuid4())})
        created = payload(await client.call_tool("create_project", {"idea": "Tides"}))
        too_early = await client.call_tool("plan_shots", {"project_id": created["project"]["id"]})
        return missing, too_early

    missing, too_early = in_process(vf, scenario)

    assert missing.is_error
    assert "NOT_FOUND" in missing.content[0].text
    assert too_early.is_error
    assert "INVALID_TRANSITION" in too_early.content[0].text


def test_tools_check_the_quote_before_spending(vf: VidflowClient, user: Any) -> None:
    from billing.services import balance_of, credits_adjust
    from projects.models import Run

    staff = type(user).objects.create_superuser("boss", "boss@example.com", "pw pw pw 1")
    credits_adjust(user=user, amount=9 - balance_of(user=user), reason="test", actor=staff)

    async def scenario(client: Client) -> tuple[Any, Any, Any]:
        created = payload(await client.call_tool("create_project", {"idea": "Tides"}))
        project_id = created["project"]["id"]
        quote = payload(await client.call_tool("get_quote", {"project_id": project_id}))
        refused = await client.call_tool("generate_script", {"project_id": project_id})
        return created, quote, refused

    created, quote, refused = in_process(vf, scenario)

    assert created["quote"]["covered"] is False
    assert "Not enough credits" in created["next"]
    assert quote["balance"] == 9
    assert quote["total"] == sum(step["credits"] for step in quote["steps"]) > 9
    assert refused.is_error
    text = refused.content[0].text
    assert "INSUFFICIENT_CREDITS: this video needs about " in text
    assert "your balance is 9" in text
    assert not Run.objects.filter(owner=user).exists()
    assert balance_of(user=user) == 9


def test_voices_and_channels_are_listed(vf: VidflowClient) -> None:
    channel = vf.create_channel("Space stories", niche="space history")

    async def scenario(client: Client) -> tuple[Any, Any]:
        voices = payload(await client.call_tool("list_voices", {}))
        channels = payload(await client.call_tool("list_channels", {}))
        return voices, channels

    voices, channels = in_process(vf, scenario)

    assert voices["voices"] == [v.raw for v in vf.list_voices()]
    assert [c["id"] for c in channels["channels"]] == [channel.id]
    assert channels["channels"][0]["niche"] == "space history"


def test_the_console_script_serves_over_stdio(server: str, token: str, tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=str(Path(sys.executable).with_name("vidflow-mcp")),
        env={"VIDFLOW_URL": server, "VIDFLOW_TOKEN": token, "VIDFLOW_CONFIG_DIR": str(tmp_path)},
    )

    async def go() -> tuple[list[str], dict[str, Any]]:
        async with Client(params) as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            projects = payload(await client.call_tool("list_projects", {}))
            return tools, projects

    tools, projects = run_async(go)

    assert sorted(tools) == sorted(TOOL_NAMES)
    assert projects == {"projects": [], "more": False}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_console_script_serves_streamable_http(server: str, token: str, tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [Path(sys.executable).with_name("vidflow-mcp"), "--http", "--port", str(port)],
        env={"VIDFLOW_URL": server, "VIDFLOW_TOKEN": token, "VIDFLOW_CONFIG_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            assert process.poll() is None, "vidflow-mcp --http exited"
            assert time.monotonic() < deadline, "vidflow-mcp --http did not listen"
            time.sleep(0.1)

        async def go() -> dict[str, Any]:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                return payload(await client.call_tool("list_voices", {}))

        voices = run_async(go)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert voices["voices"]
    assert all(voice["id"] for voice in voices["voices"])
