"""A vendor simulator: a real HTTP server on 127.0.0.1 that imitates each vendor's API.

It speaks KIE, WaveSpeed, AssemblyAI, OpenAI-compatible, ElevenLabs and YouTube formats,
authenticates API keys, accepts jobs, serves real media as results and POSTs callbacks, and can be
told to succeed, fail, be slow, never call back, call back twice, sign wrongly, or answer 429/5xx.

    python -m vendors.simulator --port 8100        # with make run: VENDOR_SIMULATOR=1
    sim = start_simulator()                         # tests: a free port, a background thread
"""

from .core import Behaviour, Delivery
from .server import YOUTUBE_TOKEN, Simulator, start_simulator

__all__ = ["YOUTUBE_TOKEN", "Behaviour", "Delivery", "Simulator", "start_simulator"]
