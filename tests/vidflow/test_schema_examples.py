"""Issue 15: the schema's examples are true. Every example in /api/schema (request bodies,
answers, errors, parameters) is valid against the schema it illustrates, and every operation
with a JSON body shows one; the main answers (every 2xx JSON answer) show one too."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Vendors' callbacks and Stripe's webhook are theirs to shape: their bodies are examples of what
# those services send, covered like the rest; nothing is exempt.
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.datetime.fromisoformat(value).tzinfo is not None


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@pytest.fixture(scope="module")
def openapi(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _json_schema(openapi: dict[str, Any], schema: Any, seen: tuple[str, ...] = ()) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema (draft 4): references inlined, ``nullable`` as a
    ``null`` type, and objects closed to the fields they document."""
    if isinstance(schema, list):
        return [_json_schema(openapi, item, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        assert name not in seen, f"recursive component {name}"
        return _json_schema(openapi, openapi["components"]["schemas"][name], (*seen, name))
    converted = {
        key: (
            {k: _json_schema(openapi, v, seen) for k, v in value.items()}
            if key == "properties"
            else _json_schema(openapi, value, seen)
        )
        for key, value in schema.items()
        if key not in ("nullable", "example", "readOnly", "writeOnly", "discriminator")
    }
    if "properties" in converted and "additionalProperties" not in converted:
        # An example's keys are documented fields: a misspelt or snake_case key fails.
        converted["additionalProperties"] = False
    if schema.get("nullable"):
        if "type" in converted and "enum" not in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _operations(openapi: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and not method.startswith("x-"):
                yield f"{method.upper()} {path}", operation


def _value(openapi: dict[str, Any], example: dict[str, Any]) -> Any:
    if "$ref" in example:  # a shared one (the errors'), in components/examples
        example = openapi["components"]["examples"][example["$ref"].rsplit("/", 1)[1]]
    return example["value"]


def _examples(openapi: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(where, example value, the schema it illustrates) for every example in the schema."""
    for label, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            for name, example in parameter.get("examples", {}).items():
                where = f"{label} {parameter['name']}:{name}"
                yield where, _value(openapi, example), parameter["schema"]
            if "example" in parameter:
                yield f"{label} {parameter['name']}", parameter["example"], parameter["schema"]
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            for name, example in media.get("examples", {}).items():
                where = f"{label} request {media_type} {name}"
                yield where, _value(openapi, example), media["schema"]
        for status, response in operation.get("responses", {}).items():
            for media_type, media in response.get("content", {}).items():
                for name, example in media.get("examples", {}).items():
                    where = f"{label} {status} {media_type} {name}"
                    yield where, _value(openapi, example), media["schema"]


def test_every_example_is_valid_against_its_schema(openapi: dict[str, Any]) -> None:
    found = list(_examples(openapi))
    assert len(found) > 100  # the walk reaches them (requests, answers, errors)
    wrong = []
    for where, value, schema in found:
        validator = jsonschema.Draft4Validator(
            _json_schema(openapi, schema), format_checker=_FORMATS
        )
        wrong += [
            f"{where}: {error.json_path}: {error.message}" for error in validator.iter_errors(value)
        ]
    assert not wrong, "\n".join(wrong)


def test_every_json_body_has_an_example(openapi: dict[str, Any]) -> None:
    missing = [
        label
        for label, operation in _operations(openapi)
        if (media := operation.get("requestBody", {}).get("content", {}).get("application/json"))
        and not media.get("examples")
    ]
    assert not missing, missing


def test_every_json_answer_has_an_example(openapi: dict[str, Any]) -> None:
    missing = []
    for label, operation in _operations(openapi):
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json")
            if media is not None and not media.get("examples"):
                missing.append(f"{label} {status}")
    assert not missing, missing


def test_an_invalid_example_would_be_caught(openapi: dict[str, Any]) -> None:
    """The check has teeth: an answer with a wrong enum value, a snake_case field or a field
    the schema does not document fails."""
    operation = openapi["paths"]["/api/projects/{project_id}"]["get"]
    media = operation["responses"]["200"]["content"]["application/json"]
    schema = _json_schema(openapi, media["schema"])
    good = _value(openapi, next(iter(media["examples"].values())))
    validator = jsonschema.Draft4Validator(schema, format_checker=_FORMATS)
    assert not list(validator.iter_errors(good))

    bad_enum = {**good, "data": {**good["data"], "status": "done"}}
    assert list(validator.iter_errors(bad_enum))
    snake = {**good, "data": {**good["data"], "created_at": good["data"]["createdAt"]}}
    snake["data"].pop("createdAt")
    assert list(validator.iter_errors(snake))
    extra = {**good, "data": {**good["data"], "colour": "blue"}}
    assert list(validator.iter_errors(extra))
