"""Which provider does each capability: chosen per capability in settings (``PROVIDER_<CAP>``),
so a user can mix, e.g. offline voice, KIE images and an Ollama text model."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import ProviderUnavailableError

# capability -> provider name -> class implementing that capability's interface (vendors.base)
PROVIDER_CLASSES: dict[str, dict[str, str]] = {
    "text": {
        "offline": "vendors.offline.writer.LocalWriter",
        "openai": "vendors.http.openai_compat.OpenAICompatibleText",
    },
    "image": {
        "offline": "vendors.offline.pictures.IconPictures",
        "landscape": "vendors.offline.image.PillowImages",
        "pexels": "vendors.http.stock.PexelsImages",
        "pixabay": "vendors.http.stock.PixabayImages",
        "kie": "vendors.http.kie.KieImages",
    },
    "video": {
        "offline": "vendors.offline.kenburns.KenBurnsVideo",
        "pexels": "vendors.http.stock.PexelsVideos",
        "pixabay": "vendors.http.stock.PixabayVideos",
        "kie": "vendors.http.kie.KieVideo",
    },
    "talking_head": {
        "offline": "vendors.offline.talking_head.StillTalkingHead",
        "wavespeed": "vendors.http.wavespeed.WaveSpeedTalkingHead",
    },
    "speech": {
        "offline": "vendors.offline.speech.LocalSpeech",
        "elevenlabs": "vendors.http.elevenlabs.ElevenLabsSpeech",
        "openai": "vendors.http.openai_compat.OpenAICompatibleSpeech",
    },
    "timings": {
        "offline": "vendors.offline.timings.WhisperTimings",
        "assemblyai": "vendors.http.assemblyai.AssemblyAITimings",
    },
    "music": {
        "offline": "vendors.offline.music.SynthMusic",
        "kie": "vendors.http.kie.KieMusic",
    },
    "research": {
        "manual": "vendors.offline.research.ManualResearch",
        "youtube": "vendors.http.youtube.YouTubeResearch",
    },
    "publish": {
        "youtube": "vendors.http.youtube.YouTubePublisher",
    },
}


@cache
def provider(capability: str) -> Any:
    """The configured provider instance for a capability (one per process, reused)."""
    name = settings.VIDFLOW_PROVIDERS.get(capability, "")
    try:
        path = PROVIDER_CLASSES[capability][name]
    except KeyError:
        raise ProviderUnavailableError(
            f"No provider {name!r} for {capability}; choose from "
            f"{', '.join(PROVIDER_CLASSES.get(capability, {})) or 'none'}"
        ) from None
    return import_string(path)()


@receiver(setting_changed)
def _forget_providers(*, setting: str, **_: Any) -> None:
    if setting.startswith(
        ("VIDFLOW_PROVIDERS", "VENDOR_", "KIE_", "WAVESPEED_", "ASSEMBLYAI_", "PEXELS_", "PIXABAY_")
    ):
        provider.cache_clear()
