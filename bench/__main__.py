"""``make bench``: print one line per figure of docs/performance.md.

Runs against a throw-away PostgreSQL database (created and dropped here, like the test suite),
never the development database. ``python -m bench payload ledger`` runs a subset.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vidflow.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402, F401

from bench import (  # noqa: E402
    api_overhead,
    fairness,
    idea_to_final,
    ledger,
    offline_media,
    payload,
    pictures,
    purchases,
    render,
    rerender,
    revision,
    voices,
    worker_scaling,
)

FIGURES = {
    "payload": payload.run,
    "ledger": ledger.run,
    "purchases": purchases.run,
    "api": api_overhead.run,
    "pictures": pictures.run,  # the offline pictures, time per picture
    "media": offline_media.run,
    "voices": voices.run,  # 60 s of narration: Kokoro beside Piper
    "render": render.run,  # the long one: a 10-minute render
    "rerender": rerender.run,  # the segment cache: a render again, and after a revision
    "workers": worker_scaling.run,
    "fairness": fairness.run,  # B's voiceover beside A's 40-shot generate-all, per-user slots
    "make": idea_to_final.run,  # the whole pipeline through the CLI, server and workers
    "revise": revision.run,  # rewrite the last chapter: credits and time ÷ the first video
}


def main(argv: list[str]) -> int:
    wanted = argv or list(FIGURES)
    unknown = [name for name in wanted if name not in FIGURES]
    if unknown:
        print(f"unknown figure(s): {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
        return 2
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    started = time.monotonic()
    try:
        for name in wanted:
            for line in FIGURES[name]():
                print(line, flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"# bench done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
