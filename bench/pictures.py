"""The offline pictures: time per 1280x720 picture on this machine (``python -m bench pictures``).

Wall-clock and CPU time (on a shared machine the CPU figure is the one that does not move with
the load). Medians over varied prompts (subjects on scenes, a bible character, a title card),
after one warm-up picture that loads the icon index. Goal: under 300 ms a picture.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

from vendors.base import ImageRequest, VisualRef
from vendors.offline.pictures import draw, icon_index
from vendors.offline.pictures.compose import CAIRO

OTTO = VisualRef(name="Otto", kind="character", color="#2a9d8f", description="a shy octopus")
PROMPTS = (
    ("close-up of a red octopus in the deep blue ocean", ()),
    ("an astronaut floats beside a rocket in orbit", ()),
    ("a king and a knight in front of the castle", ()),
    ("the old lighthouse on the cliff at night", ()),
    ("a scientist looks into a microscope in the lab", ()),
    ("Otto meets a crab on the reef", (OTTO,)),
    ("detail shot, natural light", ()),  # a title card
)


def run() -> Iterator[str]:
    started = time.perf_counter()
    icon_index()
    yield f"offline pictures: icon index load {(time.perf_counter() - started) * 1000:.0f} ms"
    rasteriser = "cairosvg" if CAIRO is not None else "resvg-py"
    for width, height in ((1280, 720), (1920, 1080)):
        times: list[float] = []
        cpu: list[float] = []
        for prompt, refs in PROMPTS:
            request = ImageRequest(
                prompt=prompt,
                width=width,
                height=height,
                references=refs,
                line="So the answer was never simple.",
            )
            draw(request)  # warm
            for _ in range(3):
                t, c = time.perf_counter(), time.process_time()
                draw(request)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        yield (
            f"offline picture {width}x{height} ({rasteriser}): median "
            f"{statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms "
            f"(CPU {statistics.median(cpu) * 1000:.0f} ms) over {len(times)} "
            "(goal < 300 ms at 1280x720)"
        )


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
