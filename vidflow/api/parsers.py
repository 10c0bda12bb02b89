"""The JSON parser of every API route: DRF's, depth-limited and refusing control characters
(``vidflow.inputs``), so such a body is a 400 in the envelope, not a 500."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json as drf_json

from vidflow.inputs import InputRefused, json_loads_checked


class CheckedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding)
            return json_loads_checked(
                text, parse_constant=drf_json.strict_constant if self.strict else None
            )
        except InputRefused as exc:
            raise ParseError(str(exc)) from None
        except (ValueError, json.JSONDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
