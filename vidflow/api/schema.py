"""OpenAPI post-processing: describe the envelope exactly as the API sends it."""

from __future__ import annotations

from typing import Any

from .error_codes import ErrorCode

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

_COMMON_ERRORS = {
    "400": "Invalid input (VALIDATION_ERROR), with per-field details.",
    "401": "No or invalid credentials (UNAUTHENTICATED, INVALID_TOKEN).",
    "403": "Forbidden, suspended, or a token without the needed scope.",
    "404": "Not found, or not yours.",
    "429": "Rate limited (RATE_LIMITED); see Retry-After.",
}

# OAuth protocol endpoints answer as the RFCs say, not in the envelope.
_UNWRAPPED_PREFIXES = ("/api/oauth/",)


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"type": "boolean", "enum": [True]}, "data": schema},
    }


def wrap_in_envelope(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = _ERROR_SCHEMA
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
                    for media in content.values():
                        if "schema" in media:
                            media["schema"] = _wrap(media["schema"])
                    if not content:
                        response["content"] = {
                            "application/json": {"schema": _wrap({"nullable": True})}
                        }
                else:
                    response["content"] = {"application/json": {"schema": error_ref}}
            for status, description in _COMMON_ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )
    return result


def strip_trailing_slashes(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Routes answer with or without a slash; document them the way product.md writes them."""
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): ops
        for path, ops in result.get("paths", {}).items()
    }
    return result
