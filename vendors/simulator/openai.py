"""An OpenAI-compatible server, simulated: chat completions with structured output and
``/audio/speech``.

The "model" fills the requested schema: every required property, arrays at their minimum size
(one item when none is set), the first allowed value of an enum, numbers inside their range. The
schema is the ``json_schema`` response format's or, for ``json_object`` and plain text requests,
the last fenced JSON block of the prompt; a plain text answer comes the way chatty models write
it, in a code fence after a sentence of prose. The behaviour's ``formats`` says which response
formats the server accepts: ``["json_object", "text"]`` refuses ``json_schema`` with
llama-cpp-python's own 500. The behaviour's outcome can break it the ways real models do:
"malformed" (not JSON), "truncated" (``finish_reason: "length"``), "wrong_shape" (valid JSON,
wrong fields), "fail" (a 500).
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from . import media
from .core import Reply, SimJob, SimRequest, json_reply, new_id

if TYPE_CHECKING:
    from .core import Delivery
    from .server import Simulator


def instance(schema: dict[str, Any], hint: str, depth: int = 0) -> Any:
    """A value that satisfies a (structural) JSON schema."""
    kind = schema.get("type")
    if "enum" in schema:
        values = schema["enum"]
        return values[depth % len(values)] if values else ""
    if kind == "object":
        return {
            name: instance(sub, name, depth + 1)
            for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        count = schema.get("minItems") or min(1, schema.get("maxItems", 1))
        return [instance(schema.get("items") or {}, hint, depth + n) for n in range(count)]
    if kind in ("number", "integer"):
        low, high = schema.get("minimum", 0), schema.get("maximum", 10)
        value = low + (high - low) * 0.7
        return int(value) if kind == "integer" else round(value, 2)
    if kind == "boolean":
        return True
    if "#" in str(schema.get("pattern", "")):
        return "#3a6ea5"
    return f"Simulated {hint.replace('_', ' ')} {depth}"


_FENCED = re.compile(r"```json\s*\n(.*?)```", re.S)


def _prompted_schema(messages: Any) -> dict[str, Any] | None:
    """The schema a prompt spells out (the last fenced JSON block of the last user message)."""
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    blocks = _FENCED.findall(str(users[-1].get("content", ""))) if users else []
    try:
        schema = json.loads(blocks[-1]) if blocks else None
    except ValueError:
        return None
    return schema if isinstance(schema, dict) else None


class OpenAI:
    name = "openai"

    def error(self, status: int, message: str) -> Reply:
        return json_reply(
            {"error": {"message": message, "type": "server_error", "code": None}}, status
        )

    def handle(self, sim: Simulator, request: SimRequest) -> Reply:
        token = request.header("authorization").removeprefix("Bearer ").strip()
        if not sim.authorized(self.name, token):
            return json_reply(
                {
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                    }
                },
                401,
            )
        if request.method == "POST" and request.path == "/v1/chat/completions":
            return self._chat(sim, request)
        if request.method == "POST" and request.path == "/v1/audio/speech":
            return self._speech(sim, request)
        return self.error(404, "Unknown route")

    def _chat(self, sim: Simulator, request: SimRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            return json_reply({"error": {"message": "model and messages are required"}}, 400)
        fmt = body.get("response_format") or {"type": "text"}
        kind = fmt.get("type") if isinstance(fmt, dict) else None
        behaviour = sim.behaviour_for(self.name)
        if kind not in behaviour.formats:
            if "json_object" in behaviour.formats:  # what llama-cpp-python's server answers
                return self.error(500, "response_format.type should be 'text' or 'json_object'")
            return json_reply(
                {"error": {"message": f"unsupported response_format type {kind!r}"}}, 400
            )
        if kind == "json_schema":
            spec = fmt.get("json_schema")
            if not isinstance(spec, dict) or "schema" not in spec:
                return json_reply({"error": {"message": "json_schema.schema is required"}}, 400)
            schema, name = spec["schema"], str(spec.get("name", "answer"))
        else:
            schema, name = _prompted_schema(body["messages"]), "answer"
            if schema is None:
                return self.error(500, "the simulated model found no JSON schema in the prompt")
        sim.add_job(SimJob(vendor=self.name, kind="chat", id=new_id(), behaviour=behaviour))
        if behaviour.outcome == "fail":
            return self.error(500, behaviour.error)
        content = json.dumps(instance(schema, name))
        if kind == "text":
            content = f"Here is the JSON you asked for:\n```json\n{content}\n```"
        finish = "stop"
        if behaviour.outcome == "malformed":
            content = "Sure! Here is the JSON you asked for: {"
        elif behaviour.outcome == "truncated":
            content, finish = content[: len(content) // 2], "length"
        elif behaviour.outcome == "wrong_shape":
            content = json.dumps({"answer": "something else entirely"})
        return json_reply(
            {
                "id": new_id("chatcmpl-"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": finish,
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
            }
        )

    def _speech(self, sim: Simulator, request: SimRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not str(body.get("input") or "").strip():
            return json_reply({"error": {"message": "input is required"}}, 400)
        if body.get("response_format", "mp3") != "wav":
            return json_reply({"error": {"message": "the simulator speaks wav only"}}, 400)
        seconds = 0.4 * len(str(body["input"]).split()) / float(body.get("speed") or 1.0)
        path = media.wav(sim.media_dir, seconds)
        return Reply(body=path.read_bytes(), content_type="audio/wav")

    def callbacks(self, sim: Simulator, job: SimJob) -> list[Delivery]:
        return []
