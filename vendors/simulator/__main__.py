"""``python -m vendors.simulator --port 8100``: run the vendor simulator in the foreground.

Point VidFlow at it with ``VENDOR_SIMULATOR=1`` (and ``VENDOR_SIMULATOR_URL`` if the port is not
8100). The API keys and webhook secrets are read from the same variables VidFlow reads, so both
sides agree; the defaults match VidFlow's simulator defaults.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

from .server import DEFAULT_KEYS, YOUTUBE_TOKEN, Simulator


def main() -> None:
    parser = argparse.ArgumentParser(description="VidFlow's vendor simulator")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "localhost", "::1"])
    parser.add_argument(
        "--stripe-webhook-url",
        default=os.environ.get("SIMULATOR_STRIPE_WEBHOOK_URL")
        or "http://127.0.0.1:8000/api/stripe/webhook",
        help="where Stripe's signed webhooks go (VidFlow's /api/stripe/webhook)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s simulator %(message)s")
    env_keys = {
        "kie": "KIE_API_KEY",
        "wavespeed": "WAVESPEED_API_KEY",
        "assemblyai": "ASSEMBLYAI_API_KEY",
        "openai": "OPENAI_API_KEY",
        "elevenlabs": "ELEVENLABS_API_KEY",
        "youtube": "YOUTUBE_API_KEY",
        "stripe": "STRIPE_SECRET_KEY",
    }
    keys = {vendor: os.environ.get(var) or DEFAULT_KEYS[vendor] for vendor, var in env_keys.items()}
    sim = Simulator(
        host=args.host,
        port=args.port,
        deliver="http",
        keys=keys,
        # Signed only when VidFlow checks signatures too (the same variables).
        kie_hmac_key=os.environ.get("KIE_WEBHOOK_HMAC_KEY", ""),
        wavespeed_secret=os.environ.get("WAVESPEED_WEBHOOK_SECRET", ""),
        youtube_token=os.environ.get("SIMULATOR_YOUTUBE_TOKEN", YOUTUBE_TOKEN),
        stripe_webhook_secret=os.environ.get("STRIPE_WEBHOOK_SECRET") or "whsec_sim",
        stripe_webhook_url=args.stripe_webhook_url,
    ).start()
    print(
        f"Vendor simulator on {sim.url} (KIE {sim.url}/kie, WaveSpeed {sim.url}/wavespeed, "
        f"AssemblyAI {sim.url}/assemblyai, OpenAI {sim.url}/openai/v1, "
        f"ElevenLabs {sim.url}/elevenlabs, YouTube {sim.url}/youtube, Stripe {sim.url}/stripe "
        f"with webhooks to {sim.stripe_webhook_url}). Ctrl-C stops it.",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    sim.stop()


if __name__ == "__main__":
    main()
