"""HTTP adapters that speak each vendor's real API (see ../shared/docs/vendors.md)."""

from __future__ import annotations

from django.utils.module_loading import import_string

from vendors.registry import PROVIDER_CLASSES

from .common import AsyncVendorAdapter


def async_adapter(*, vendor: str, capability: str) -> AsyncVendorAdapter | None:
    """The asynchronous adapter that submitted a vendor job of this vendor and capability (by the
    job's own fields, not today's settings, so a job outlives a configuration change); None when
    that pair takes no callbacks. Used by the callback endpoints and the fallback poller."""
    path = PROVIDER_CLASSES.get(capability, {}).get(vendor)
    adapter = import_string(path)() if path else None
    return adapter if isinstance(adapter, AsyncVendorAdapter) else None
