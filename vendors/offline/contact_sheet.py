"""A contact sheet of the offline pictures, to look at them all at once.

    python -m vendors.offline.contact_sheet out.png                  # the built-in ideas
    python -m vendors.offline.contact_sheet --idea "Why octopuses have three hearts" \
        --idea "The lighthouse keeper's last night" --style "film noir" out.png
    python -m vendors.offline.contact_sheet --prompt "a red octopus in the deep blue ocean" out.png

For each idea the offline writer makes what the pipeline would (outline, narration, visual bible,
shot ideas with the shot's line); every shot is drawn by the offline image provider, with the
bible entries' icons kept from shot to shot as the pipeline keeps them. Each row is one idea; under
each picture, what it drew. Needs no database and no server.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from vendors.base import ImageRequest, ShotSegment, StoryContext, VisualRef
from vendors.offline.pictures import draw

IDEAS = (
    "Why octopuses have three hearts",
    "The lighthouse keeper's last night",
    "How the Voyager probes left the solar system",
    "A knight, a dragon and the king's lost crown",
    "Why bees make honey",
    "How a city wakes up at dawn",
)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def shots_for(idea: str, *, count: int) -> tuple[list[ImageRequest], list[str]]:
    """Requests the pipeline would send for an idea's first ``count`` shots (offline writer)."""
    from vendors.offline.writer import LocalWriter

    writer = LocalWriter()
    ctx = StoryContext(idea=idea, title=idea, target_seconds=60)
    outline = tuple(writer.outline(ctx, chapters=3))
    texts = [writer.narration(ctx, outline=outline, index=i, words=60) for i in range(3)]
    bible = writer.bible(ctx, narration=tuple(texts))
    segments: list[ShotSegment] = []
    for chapter, text in enumerate(texts):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if sentence.strip():
                start = len(segments) * 5.0
                segments.append(ShotSegment(len(segments), sentence, start, start + 5, chapter))
    ideas = writer.shot_ideas(ctx, segments=tuple(segments), bible=tuple(bible))
    refs = {b.name: VisualRef(b.name, b.kind, b.color, b.shape, b.description) for b in bible}
    icons: dict[str, str] = {}  # a bible entry's icon, once given (as the pipeline keeps it)
    step = max(1, len(ideas) // count)
    requests, labels = [], []
    for segment, shot in list(zip(segments, ideas, strict=True))[::step][:count]:
        names = [*shot.characters, *([shot.location] if shot.location else [])]
        references = tuple(
            VisualRef(**{**refs[n].__dict__, "icon": icons.get(n, "")}) for n in names if n in refs
        )
        request = ImageRequest(
            prompt=shot.prompt,
            width=1280,
            height=720,
            seed=segment.index,
            references=references,
            line=segment.text,
            context=idea,
        )
        _, drawing = draw(request)
        for name, icon in drawing.references.items():
            icons.setdefault(name, icon)
        requests.append(request)
        labels.append(segment.text)
    return requests, labels


def sheet(
    rows: list[tuple[str, list[ImageRequest], list[str]]], *, thumb: int = 384
) -> Image.Image:
    th = thumb * 9 // 16
    font = ImageFont.truetype(str(FONT), 13)
    big = ImageFont.truetype(str(FONT), 18)
    cols = max(len(r[1]) for r in rows)
    cell_h = th + 58
    image = Image.new("RGB", (cols * (thumb + 8) + 8, len(rows) * (cell_h + 30) + 8), "#f4f4f4")
    pen = ImageDraw.Draw(image)
    times: list[float] = []
    for r, (title, requests, labels) in enumerate(rows):
        y = 8 + r * (cell_h + 30)
        pen.text((8, y), title, fill="#222", font=big)
        for c, (request, label) in enumerate(zip(requests, labels, strict=True)):
            started = time.perf_counter()
            png, drawing = draw(request)
            times.append(time.perf_counter() - started)
            picture = Image.open(io.BytesIO(png)).convert("RGB")
            picture.thumbnail((thumb, th))  # a portrait picture keeps its shape
            x = 8 + c * (thumb + 8)
            image.paste(picture, (x + (thumb - picture.width) // 2, y + 26))
            drew = ", ".join(s.icon.name for s in drawing.subjects) or "title card"
            pen.text((x, y + 30 + th), f"{drawing.scene}: {drew}"[:60], fill="#333", font=font)
            pen.text((x, y + 46 + th), label[:58], fill="#777", font=font)
    print(
        f"{len(times)} pictures, median {sorted(times)[len(times) // 2] * 1000:.0f} ms, "
        f"slowest {max(times) * 1000:.0f} ms",
        file=sys.stderr,
    )
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A contact sheet of the offline pictures.")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--idea", action="append", default=[], help="an idea (repeatable)")
    parser.add_argument("--prompt", action="append", default=[], help="a shot prompt (repeatable)")
    parser.add_argument("--style", default="", help="the visual style, e.g. 'film noir'")
    parser.add_argument("--shots", type=int, default=5, help="pictures per idea")
    args = parser.parse_args(argv)
    rows = []
    if args.prompt:
        requests = [
            ImageRequest(prompt=p, width=1280, height=720, style=args.style) for p in args.prompt
        ]
        rows.append(("prompts", requests, list(args.prompt)))
    for idea in args.idea or ([] if args.prompt else list(IDEAS)):
        requests, labels = shots_for(idea, count=args.shots)
        if args.style:
            requests = [ImageRequest(**{**r.__dict__, "style": args.style}) for r in requests]
        rows.append((idea, requests, labels))
    sheet(rows).save(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
