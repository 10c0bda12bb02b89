"""The OpenAPI description of the API, as true as the routes themselves.

``VidflowAutoSchema`` (the ``DEFAULT_SCHEMA_CLASS``) adds to what drf-spectacular reads from the
views what they answer beyond their success: every error status a route can answer (each with the
envelope's error schema), the headers (``Idempotency-Key``, ``If-Match``/``If-None-Match`` and
``ETag``, ``RateLimit``/``RateLimit-Policy``, ``Retry-After``, ``WWW-Authenticate``), ``304`` on
the objects that carry an ETag, and a description of its own for each operation. The
post-processing hooks then wrap every JSON answer in the envelope exactly as the API sends it.

Which statuses a route answers follows from how it is built, the same facts the request path
checks:

- every envelope route: 400 (bad query or body; a control character anywhere), 401, 403, 406
  (an ``Accept`` it cannot serve), 429;
- a path with parameters, or a filter naming an object: 404;
- a write: 409 (``INVALID_TRANSITION``; ``IDEMPOTENCY_CONFLICT`` on a POST with a key), and 415
  for a ``Content-Type`` the route does not read;
- billable routes (``billing.decorators.billable``): 402 ``INSUFFICIENT_CREDITS``;
- routes that queue work or call a provider while the client waits: 503
  ``PROVIDER_UNAVAILABLE`` (with ``Retry-After``), and 502 ``VENDOR_ERROR`` for the latter;
- writes checked against ``If-Match``: 412 ``PRECONDITION_FAILED``.

A handler that answers something more declares it with :func:`also_answers`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from .error_codes import ErrorCode
from .serializers import StrictSerializer

ERROR_COMPONENT = "ErrorEnvelope"

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["success", "error"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "enum": [c.value for c in ErrorCode]},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
        },
    },
}

_ERROR_DESCRIPTIONS = {
    "400": "VALIDATION_ERROR: invalid query, body or header, with the fields in `details`.",
    "401": "UNAUTHENTICATED or INVALID_TOKEN: no credentials, or a token that is not valid.",
    "402": "INSUFFICIENT_CREDITS: the balance does not cover this (`details`: required, "
    "balance). Nothing was charged or queued.",
    "403": "FORBIDDEN, ACCOUNT_SUSPENDED, or INSUFFICIENT_SCOPE (a token without the scope this "
    "route needs; `details.requiredScope`).",
    "404": "NOT_FOUND: no such object, or not yours.",
    "406": "NOT_ACCEPTABLE: the `Accept` header names nothing this route answers.",
    "409": "INVALID_TRANSITION (the object's state does not allow this; the message says what "
    "is missing), IDEMPOTENCY_CONFLICT (the Idempotency-Key was used with another body), or "
    "YOUTUBE_NOT_CONNECTED.",
    "412": "PRECONDITION_FAILED: `If-Match` names another version than the current one. "
    "Nothing was changed; `details.etag` is the current ETag.",
    "413": "The upload is larger than the server accepts.",
    "415": "UNSUPPORTED_MEDIA_TYPE: a `Content-Type` this route does not read.",
    "429": "RATE_LIMITED: over the route's rate tier; retry after `Retry-After` seconds.",
    "502": "VENDOR_ERROR: the provider answered an error.",
    "503": "PROVIDER_UNAVAILABLE: the work queue or the provider cannot be reached, or is not "
    "set up; nothing was charged. Retry after `Retry-After` seconds.",
}

# One example of each error status, in the envelope exactly as the API answers it.
_ERROR_EXAMPLES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "400": (
        "VALIDATION_ERROR",
        "Invalid input: title.",
        {"title": ["This field may not be blank."]},
    ),
    "401": (
        "UNAUTHENTICATED",
        "Authentication required: a Bearer token or a signed-in session.",
        {},
    ),
    "402": (
        "INSUFFICIENT_CREDITS",
        "This needs 12 credits; the balance is 5.",
        {"required": 12, "balance": 5},
    ),
    "403": (
        "INSUFFICIENT_SCOPE",
        "This token lacks the 'generate' scope.",
        {"requiredScope": "generate"},
    ),
    "404": ("NOT_FOUND", "Not found.", {}),
    "406": ("NOT_ACCEPTABLE", "Could not satisfy the request Accept header.", {}),
    "409": (
        "INVALID_TRANSITION",
        "Write the outline first: the chapters are narrated from it.",
        {},
    ),
    "412": (
        "PRECONDITION_FAILED",
        "The object changed since you read it (If-Match does not match its ETag).",
        {"etag": '"7c4a8d09ca3762af61e59520943dc26494f8941b"'},
    ),
    "413": ("VALIDATION_ERROR", "The request body is too large.", {}),
    "415": ("UNSUPPORTED_MEDIA_TYPE", 'Unsupported media type "text/xml" in request.', {}),
    "429": ("RATE_LIMITED", "Too many requests.", {}),
    "502": ("VENDOR_ERROR", "The vendor failed.", {}),
    "503": ("PROVIDER_UNAVAILABLE", "The provider for this capability is not available.", {}),
}


def examples(
    request: Any = None,
    response: Any = None,
    *,
    status: int | None = None,
    summary: str = "",
    media_type: str | None = None,
) -> list[OpenApiExample]:
    """A route's examples, for ``@extend_schema(examples=...)``: one request body and/or the
    main answer's ``data`` (the envelope is put around it when the schema is built; a list
    route gives one item, which comes back as ``{results: [item], next, previous}``)."""
    found = []
    if request is not None:
        found.append(
            OpenApiExample(
                summary or "Request",
                value=request,
                request_only=True,
                media_type=media_type,
            )
        )
    if response is not None:
        found.append(
            OpenApiExample(
                f"{summary} answer" if summary else "Answer",
                value=response,
                response_only=True,
                status_codes=[str(status)] if status else None,
            )
        )
    return found


_STRING = {"type": "string"}
_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit": {
        "description": "This request's rate tier: remaining requests and seconds to the window's "
        'reset (draft-ietf-httpapi-ratelimit-headers), e.g. `"api";r=59;t=60`.',
        "schema": _STRING,
    },
    "RateLimit-Policy": {
        "description": 'The rate tier\'s quota and window, e.g. `"api";q=60;w=60`.',
        "schema": _STRING,
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "WWW-Authenticate": {
        "description": 'The RFC 6750 challenge: `Bearer realm="vidflow"` (with `error` and '
        "`scope` for a token that is invalid or lacks a scope).",
        "schema": _STRING,
    },
    "ETag": {
        "description": "The version of this object; send it back in `If-None-Match` (a 304 "
        "while unchanged) or `If-Match` (a write refused with 412 if it changed meanwhile).",
        "schema": _STRING,
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer of an earlier request with the "
        "same Idempotency-Key.",
        "schema": _STRING,
    },
}

_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Performs the POST once: a retry with the same key (and body) gets the first "
    "answer back (`Idempotent-Replayed: true`); the same key with another body is 409 "
    "IDEMPOTENCY_CONFLICT. 1 to 255 printable characters, per user.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[ -~]*[!-~][ -~]*$",
    },
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier answer: 304 with no body while the object is "
    "unchanged.",
    "schema": _STRING,
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag the change was made against: 412 PRECONDITION_FAILED (and nothing "
    "changed) when the object has changed since.",
    "schema": _STRING,
}

# OAuth protocol endpoints answer as the RFCs say, not in the envelope.
_UNWRAPPED_PREFIXES = ("/api/oauth/",)
# Vendors' callbacks and Stripe's webhook: signed machine-to-machine routes, no user or tier.
_MACHINE_PREFIXES = ("/api/kie/", "/api/wavespeed/", "/api/assemblyai/", "/api/stripe/")

_FILES = "/api/files/{token}"

_INTERNAL_DOCSTRINGS = ("ApiViewSet", "StageViewSet", "GenericViewSet", "APIView", "ViewSet")

Handler = TypeVar("Handler", bound=Callable[..., Any])


def also_answers(*statuses: int) -> Callable[[Handler], Handler]:
    """Declare error statuses a handler answers beyond those its kind of route answers."""

    def mark(handler: Handler) -> Handler:
        handler.also_answers = statuses  # type: ignore[attr-defined]
        return handler

    return mark


_NOUNS = {
    "titles": "title idea",
    "outlier-videos": "outlier video",
    "characters": "character",
    "locations": "location",
    "shots": "shot",
    "chapters": "chapter",
    "channels": "channel",
    "projects": "project",
    "runs": "run",
    "files": "file",
    "variations": "variation",
}
_VERBS = {
    "generate": "Generates",
    "generate-all": "Generates every one of",
    "plan": "Plans",
    "render": "Renders",
    "analyze": "Analyses",
    "cancel": "Cancels",
    "select": "Selects",
    "search": "Searches",
    "hook": "Writes",
    "outline": "Writes",
    "chapters": "Writes",
    "publish-suggest": "Suggests",
    "publish-youtube": "Uploads to YouTube",
}


def _subject(path: str) -> tuple[str, str]:
    """(what the route is about, its last word): ``/api/projects/{project_id}/script/hook`` →
    ("the project's script hook", "hook"); ``…/shots/{shot_id}`` → ("one shot of the
    project", "{shot_id}")."""
    parts = [p for p in path.removeprefix("/api/").strip("/").split("/") if p]
    in_project = len(parts) > 2 and parts[0] == "projects"
    owner = " of the project" if in_project else ""
    last = parts[-1]
    if last.startswith("{"):
        noun = _NOUNS.get(parts[-2], parts[-2].replace("-", " "))
        if len(parts) == 2:
            return f"one of the {parts[0]}", last
        return f"one {noun}{owner}", last
    tail = parts[2:] if in_project else parts
    tail = [p for p in tail if not p.startswith("{")]
    words = " ".join(p.replace("-", " ").replace(".", " ") for p in tail)
    return (f"the project's {words}" if in_project else f"the {words}"), last


# vidflow.inputs refuses these in every string of a request (README: "Text is text").
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
# What str.strip() takes off a text field before "may not be blank" is checked (str.isspace,
# spelled out: ECMA's \s and Python's differ).
_SPACE = r"\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK_PATTERN = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"


def _merge(schema: dict[str, Any], rules: dict[str, Any]) -> None:
    for key, value in rules.items():
        if isinstance(value, dict) and isinstance(schema.get(key), dict):
            _merge(schema[key], value)
        else:
            schema[key] = value


class VidflowAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        """A request body's rules, said where the schema can say them: a ``StrictSerializer``
        (nested ones too) refuses unknown fields; a list that may not be empty has
        ``minItems: 1``; and what a serializer's ``schema_rules()`` adds (rules across fields,
        limits read from the settings)."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        if isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        properties = schema.get("properties", {})
        for name, field in serializer.fields.items():
            prop = properties.get(name)
            if (
                isinstance(field, serializers.ListField | serializers.ListSerializer)
                and not field.allow_empty
                and isinstance(prop, dict)
                and prop.get("type") == "array"
            ):
                prop["minItems"] = max(1, prop.get("minItems", 0))
        rules = getattr(serializer, "schema_rules", None)
        if callable(rules):
            _merge(schema, rules())
        return schema

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> Any:
        """A text field that may not be blank is trimmed first (DRF's ``trim_whitespace``): it
        needs a character that is not a space, which ``minLength: 1`` does not say."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(schema, dict)
            and type(field) is serializers.CharField
            and field.trim_whitespace
            and not field.allow_blank
            and schema.get("type") == "string"
            and not {"format", "enum", "pattern"} & set(schema)
        ):
            schema["pattern"] = NOT_BLANK_PATTERN
        return schema

    def get_examples(self) -> list[Any]:
        """Examples a view gives per action (``examples_by_action``) where the handler is shared
        by views that show different objects (characters and locations); ``extend_schema`` on
        the handler wins over these."""
        action = getattr(self.view, "action", None)
        return list(getattr(self.view, "examples_by_action", {}).get(action, []))

    def _handler(self) -> Any:
        action = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, action, None)

    def _route_mark(self, name: str) -> Any:
        value = getattr(self._handler(), name, None)
        return getattr(self.view, name, None) if value is None else value

    def get_description(self) -> str:  # type: ignore[override]
        """The handler's own docstring, else a sentence made from the route (never the shared
        docstring of a base class), plus what a client must know about it."""
        handler = self._handler()
        own = (getattr(handler, "__doc__", None) or "").strip()
        if not own:
            cls_doc = type(self.view).__dict__.get("__doc__") or ""
            if type(self.view).__name__ not in _INTERNAL_DOCSTRINGS:
                own = self._generated_description()
                if cls_doc.strip() and self._is_list_view():
                    own += "\n\n" + " ".join(cls_doc.split())
            else:
                own = self._generated_description()
        own = re.sub(r"[ \t]*\n[ \t]*(?=\S)", " ", own).replace("\n \n", "\n\n")
        notes = []
        if self._route_mark("billable"):
            notes.append(
                "Billable: charged up front (GET /api/prices), refunded if it fails; needs the "
                "`generate` scope; 402 INSUFFICIENT_CREDITS when short."
            )
        return "\n\n".join([own, *notes])

    def _generated_description(self) -> str:
        path = self.path.rstrip("/")
        thing, last = _subject(path)
        method = self.method
        if method == "GET":
            if self._is_list_view():
                return (
                    f"Lists {thing}: `{{results, next, previous}}`, in one page or followed "
                    "by `next` until it is null."
                )
            return f"Reads {thing.removesuffix(' generate')}."
        if method == "DELETE":
            return f"Deletes {thing}."
        if method in ("PATCH", "PUT"):
            return (
                f"Changes {thing}: only the fields sent change; what was made from them is "
                "marked stale."
            )
        queued = self._route_mark("rate_tier") == "generation"
        verb = _VERBS.get(last)
        if verb is None:
            sentence = f"Adds to {thing}." if not last.startswith("{") else f"Acts on {thing}."
        else:
            if last not in ("hook", "outline", "chapters"):
                thing = thing.removesuffix(f" {last.replace('-', ' ')}")
            sentence = f"{verb} {thing}."
        if queued:
            sentence += (
                " Answers at once with the accepted run (`runId`); poll GET /api/runs/{runId}"
                " (with `?wait=`) until it finishes."
            )
        return sentence

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        path = self.path.rstrip("/")
        if path.startswith(_UNWRAPPED_PREFIXES):
            return operation
        machine = path.startswith(_MACHINE_PREFIXES)
        statuses = self._error_statuses(path, machine)
        responses = operation.setdefault("responses", {})
        self._nullable_answer(responses)
        for status in sorted(statuses):
            responses.setdefault(str(status), {"description": _ERROR_DESCRIPTIONS[str(status)]})
        self._headers(operation, responses, machine)
        return operation

    def _nullable_answer(self, responses: dict[str, Any]) -> None:
        """``responses=Serializer(allow_null=True)``: the answer may be ``null`` (nothing yet)."""
        serializer = self.get_response_serializers()
        if not getattr(serializer, "allow_null", False):
            return
        for status, response in responses.items():
            media = response.get("content", {}).get("application/json")
            if status.startswith("2") and media and "$ref" in media.get("schema", {}):
                media["schema"] = {"allOf": [media["schema"]], "nullable": True}

    def _error_statuses(self, path: str, machine: bool) -> set[int]:
        method = self.method
        writes = method in ("POST", "PUT", "PATCH", "DELETE")
        statuses = {400}
        if "{" in path or any(
            p.get("name") == "cursor" for p in self._get_pagination_parameters() or []
        ):
            statuses.add(404)  # no such object; or a cursor that names no page
        if machine:  # signed: a bad body, signature or job is refused; a vendor's fault is 502
            return statuses | {403, 404, 502}
        statuses |= {401, 403, 406}
        if path != _FILES:  # a link is its own credential, on no rate tier
            statuses.add(429)
        if writes:
            statuses |= {409}
            if method != "DELETE":
                statuses.add(415)
        if self._route_mark("billable"):
            statuses.add(402)
        tier = self._route_mark("rate_tier")
        if tier:  # billable, queueing work, or a suggestion made while the client waits
            statuses.add(503)
        if tier == "free_suggest":
            statuses |= {502, 503}
        if self._etag_write():
            statuses.add(412)
        statuses |= set(self._route_mark("also_answers") or ())
        return statuses

    def _etag_write(self) -> bool:
        return getattr(self.view, "action", None) in getattr(self.view, "etag_writes", {})

    def _etag_read(self) -> bool:
        return getattr(self.view, "action", None) in getattr(self.view, "etag_reads", ())

    def _headers(self, operation: dict[str, Any], responses: dict[str, Any], machine: bool) -> None:
        parameters = operation.setdefault("parameters", [])
        names = {(p.get("in"), p.get("name")) for p in parameters}

        def add(parameter: dict[str, Any]) -> None:
            if (parameter["in"], parameter["name"]) not in names:
                parameters.append(parameter)

        if machine:
            return
        if self.method == "POST" and hasattr(self.view, "_idempotency_claim"):
            add(_IDEMPOTENCY_KEY)
        if self._etag_read():
            add(_IF_NONE_MATCH)
            responses.setdefault(
                "304",
                {
                    "description": "Not Modified: the `If-None-Match` ETag is current; no body.",
                    "headers": {"ETag": {**_HEADERS["ETag"], "required": True}},
                },
            )
        if self._etag_write():
            add(_IF_MATCH)
        limited = self.path.rstrip("/") != _FILES
        for status, response in responses.items():
            headers = response.setdefault("headers", {})
            if status.startswith("2"):
                if limited:
                    headers.setdefault("RateLimit", _HEADERS["RateLimit"])
                    headers.setdefault("RateLimit-Policy", _HEADERS["RateLimit-Policy"])
                if (self._etag_read() or self._etag_write()) and self.method != "DELETE":
                    headers.setdefault("ETag", {**_HEADERS["ETag"], "required": True})
                if self.method == "POST" and hasattr(self.view, "_idempotency_claim"):
                    headers.setdefault("Idempotent-Replayed", _HEADERS["Idempotent-Replayed"])
            elif status == "429":
                headers.setdefault("Retry-After", {**_HEADERS["Retry-After"], "required": True})
                headers.setdefault("RateLimit", _HEADERS["RateLimit"])
                headers.setdefault("RateLimit-Policy", _HEADERS["RateLimit-Policy"])
            elif status == "503":
                headers.setdefault("Retry-After", _HEADERS["Retry-After"])
            elif status in ("401", "403"):
                headers.setdefault("WWW-Authenticate", _HEADERS["WWW-Authenticate"])
            elif status == "412":
                headers.setdefault("ETag", _HEADERS["ETag"])
            if not headers:
                del response["headers"]


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"type": "boolean", "enum": [True]}, "data": schema},
    }


_BINARY = {"type": "string", "format": "binary"}


def wrap_in_envelope(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """JSON answers in the envelope; errors as ``ErrorEnvelope``; files as binary."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = _ERROR_SCHEMA
    result["components"].setdefault("examples", {}).update(
        {
            f"Error{status}": {
                "summary": code,
                "value": {
                    "success": False,
                    "error": {"code": code, "message": message, "details": details},
                },
            }
            for status, (code, message, details) in _ERROR_EXAMPLES.items()
        }
    )
    error_ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        if path.startswith(_UNWRAPPED_PREFIXES):
            continue
        for method, operation in operations.items():
            if method.startswith("x-") or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in list(responses.items()):
                content = response.get("content", {})
                if status.startswith("2"):
                    for media_type, media in content.items():
                        if media_type == "application/json":
                            if "schema" in media:
                                media["schema"] = _wrap(media["schema"])
                            for example in media.get("examples", {}).values():
                                if "value" in example:
                                    example["value"] = {"success": True, "data": example["value"]}
                        elif media_type != "text/plain":
                            media["schema"] = dict(_BINARY)
                    if not content:
                        response["content"] = {
                            "application/json": {"schema": _wrap({"nullable": True})}
                        }
                elif status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": error_ref}}
                    if status in _ERROR_EXAMPLES:
                        code = _ERROR_EXAMPLES[status][0]
                        response["content"]["application/json"]["examples"] = {
                            code: {"$ref": f"#/components/examples/Error{status}"}
                        }
    return result


def close_request_bodies(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """A body field a route does not declare is refused (``DeclaredBodyMixin``,
    ``StrictSerializer``): the request schemas say so (``additionalProperties: false``), so a
    generated client offers no free-form extras the server would refuse."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method.startswith("x-") or not isinstance(operation, dict):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                schema = media.get("schema", {})
                if "$ref" in schema:
                    schema = components.get(schema["$ref"].rsplit("/", 1)[1], {})
                # (a free-form object, a vendor's callback body, stays open)
                if schema.get("type") == "object" and "properties" in schema:
                    schema["additionalProperties"] = False
    return result


_UUID_PARAMETERS = {
    "project_id",
    "channel_id",
    "run_id",
    "chapter_id",
    "entry_id",
    "shot_id",
    "title_id",
    "outlier_id",
    "variation_id",
}


def _text_rule(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> None:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _text_rule(components.get(name, {}), components, seen)
        return
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            _text_rule(part, components, seen)
    if schema.get("type") == "string" and not (
        {"format", "enum", "pattern"} & set(schema) or schema.get("readOnly")
    ):
        schema["pattern"] = TEXT_PATTERN
    for prop in schema.get("properties", {}).values():
        _text_rule(prop, components, seen)
    if isinstance(schema.get("items"), dict):
        _text_rule(schema["items"], components, seen)
    if isinstance(schema.get("additionalProperties"), dict):
        _text_rule(schema["additionalProperties"], components, seen)


def declare_input_rules(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """What every route checks of its input, said in the schema: no control characters in any
    string of a body, a query or a path; ids in paths are UUIDs (anything else is a 404)."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method.startswith("x-") or not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.setdefault("schema", {})
                if parameter.get("in") == "path" and parameter.get("name") in _UUID_PARAMETERS:
                    schema.clear()
                    schema.update({"type": "string", "format": "uuid"})
                elif parameter.get("in") in ("path", "query"):
                    _text_rule(schema, components, seen)
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if media_type == "application/json":
                    _text_rule(media.get("schema", {}), components, seen)
    return result


def strip_trailing_slashes(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Routes answer with or without a slash; document them the way product.md writes them."""
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): ops
        for path, ops in result.get("paths", {}).items()
    }
    return result
