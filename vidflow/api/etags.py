"""``ETag``, ``If-None-Match`` and ``If-Match`` on the API's objects (RFC 9110 §8.8.3, §13.1).

An object's ETag is a digest of what its ``GET`` answers (the envelope's ``data``), less the file
links in it: those are signed and re-signed as they age (``vidflow.storage``), so they change
while the object does not. The same object read twice unchanged has the same ETag; any change a
reader could see (a field, a state, a count) gives it another.

- A ``GET`` of the object carries ``ETag``; with ``If-None-Match`` naming it, the answer is
  ``304 Not Modified`` with no body.
- A ``PATCH``/``PUT``/``DELETE`` with ``If-Match`` is checked against the object's current ETag
  before anything runs: another one answers 412 ``PRECONDITION_FAILED`` and nothing changes.
  Without ``If-Match`` a write goes ahead as before (last write wins). The write's own answer
  carries the new ETag.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpResponseNotModified
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from vidflow.errors import PreconditionFailed

_LINK_KEY = re.compile(r"(?i)urls?$")
_SCALARS = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=4096)
def _is_link(key: str) -> bool:
    return _LINK_KEY.search(key) is not None


def _without_links(data: Any) -> Any:
    if type(data) in _SCALARS:  # most values: answered before any isinstance of an ABC
        return data
    if isinstance(data, Mapping):
        return {k: _without_links(v) for k, v in data.items() if not _is_link(str(k))}
    if isinstance(data, list | tuple):
        return [_without_links(v) for v in data]
    return data


def etag_for(data: Any) -> str:
    canonical = json.dumps(
        _without_links(data), cls=JSONEncoder, sort_keys=True, separators=(",", ":")
    )
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match header, weak marks dropped."""
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def none_match(header: str, etag: str) -> bool:
    """True when ``If-None-Match`` names ``etag`` (or ``*``): the client's copy is current."""
    tags = _tags(header)
    return "*" in tags or etag in tags


def match(header: str, etag: str) -> bool:
    """True when ``If-Match`` names ``etag`` (or ``*``)."""
    tags = _tags(header)
    return "*" in tags or etag in tags


class ETagMixin:
    """For a viewset whose objects carry an ETag.

    ``etag_reads``: the actions that read one object (they answer ``ETag`` and honour
    ``If-None-Match``). ``etag_writes``: the write actions checked against ``If-Match``, each
    mapped to the read action whose answer the ETag is taken from.
    """

    etag_reads: frozenset[str] = frozenset()
    etag_writes: Mapping[str, str] = {}

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        method = str(request.method).lower()
        action = str(getattr(self, "action_map", {}).get(method, ""))
        handler = getattr(self, method, None)
        if handler is not None and action in self.etag_writes:
            read = self.etag_writes[action]

            def checked(drf_request: Request, *a: Any, **kw: Any) -> Any:
                if drf_request.headers.get("If-Match") is None:
                    return handler(drf_request, *a, **kw)
                # The check and the write in one transaction, the object's row locked first
                # (as the services lock it), so no other write lands between them.
                with transaction.atomic():
                    self.etag_lock(**kw)
                    self._check_if_match(drf_request, read, a, kw)
                    return handler(drf_request, *a, **kw)

            setattr(self, method, checked)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def etag_lock(self, **kwargs: Any) -> None:
        """Lock the row the write will change (``select_for_update``); a viewset overrides it."""

    def _check_if_match(
        self, request: Request, read: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        header = request.headers.get("If-Match", "")
        current = getattr(self, read)(request, *args, **kwargs)  # 404 when it is not there
        etag = etag_for(current.data)
        if not match(header, etag):
            raise PreconditionFailed(details={"etag": etag}, headers={"ETag": etag})

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        action = getattr(self, "action", None)
        tagged = action in self.etag_reads or (
            action in self.etag_writes and request.method != "DELETE"
        )
        if tagged and isinstance(response, Response) and response.status_code == 200:
            etag = etag_for(response.data)
            header = request.headers.get("If-None-Match")
            if request.method in ("GET", "HEAD") and header and none_match(header, etag):
                response = HttpResponseNotModified()
            response["ETag"] = etag
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
