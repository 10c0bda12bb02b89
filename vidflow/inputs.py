"""What every text input must be, wherever it comes from (reliability.md, item 34).

- No control characters: NUL, which PostgreSQL refuses in text (a 500 if it reaches a query),
  and the other C0/C1 controls and DEL. Tab, newline and carriage return are text.
- JSON no deeper than ``MAX_JSON_DEPTH``: Python's parser recurses, and ``[`` x 3000 is a
  ``RecursionError`` (a 500) instead of a bad request.

Plain functions, no Django: the API parser, the request middleware and the vendor callbacks
all use them.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 32
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class InputRefused(ValueError):
    """The input breaks one of the rules above; the message says which, for people."""


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def json_depth_check(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``limit`` before parsing it (brackets inside strings
    do not count)."""
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                raise InputRefused(f"JSON nested deeper than {limit} levels is not accepted.")
        else:
            depth -= 1


def control_character_path(value: Any, path: str = "") -> str | None:
    """Where in parsed JSON a string (a value or a key) holds a control character, or None."""
    if isinstance(value, str):
        return path or "(body)" if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if has_control_characters(str(key)):
                return here
            found = control_character_path(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = control_character_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def control_character_message(where: str) -> str:
    return f"Control characters (such as NUL) are not allowed in text: {where}."


def json_loads_checked(raw: bytes | str, *, parse_constant: Any = None) -> Any:
    """``json.loads`` that refuses too deep nesting and control characters in any string."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    json_depth_check(text)
    data = json.loads(text, parse_constant=parse_constant)
    where = control_character_path(data)
    if where is not None:
        raise InputRefused(control_character_message(where))
    return data
