"""Every vendor adapter the registry names exists and fits its capability's interface."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string

from vendors import base
from vendors.http import async_adapter
from vendors.http.common import AsyncVendorAdapter
from vendors.registry import PROVIDER_CLASSES

INTERFACES = {
    "text": base.TextProvider,
    "image": base.ImageProvider,
    "video": base.VideoProvider,
    "talking_head": base.TalkingHeadProvider,
    "speech": base.SpeechProvider,
    "timings": base.TimingsProvider,
    "music": base.MusicProvider,
    "research": base.ResearchProvider,
    "publish": base.PublishProvider,
}
HTTP_ADAPTERS = [
    (capability, name, path)
    for capability, choices in PROVIDER_CLASSES.items()
    for name, path in choices.items()
    if path.startswith("vendors.http.")
]


@pytest.mark.parametrize(("capability", "name", "path"), HTTP_ADAPTERS)
def test_each_http_adapter_implements_its_interface(capability: str, name: str, path: str) -> None:
    adapter = import_string(path)()

    assert isinstance(adapter, INTERFACES[capability])
    assert adapter.name == name


@pytest.mark.parametrize(
    ("vendor", "capability"),
    [
        ("kie", "image"),
        ("kie", "video"),
        ("kie", "music"),
        ("wavespeed", "talking_head"),
        ("assemblyai", "timings"),
    ],
)
def test_asynchronous_adapters_can_poll_and_read_callbacks(vendor: str, capability: str) -> None:
    adapter = async_adapter(vendor=vendor, capability=capability)

    assert isinstance(adapter, AsyncVendorAdapter)
    assert adapter.vendor == vendor


def test_a_synchronous_adapter_takes_no_callbacks() -> None:
    assert async_adapter(vendor="elevenlabs", capability="speech") is None
    assert async_adapter(vendor="kie", capability="speech") is None
