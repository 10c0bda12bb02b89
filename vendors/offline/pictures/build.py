"""Build the offline pictures' icon store from the two npm tarballs (``make install`` runs it).

    python -m vendors.offline.pictures.build \
        --icons fluent-emoji-flat-1.2.6.tgz --keywords openmoji-17.0.0.tgz --out var/pictures

Reads, without unpacking anything else:
- ``@iconify-json/fluent-emoji-flat``'s ``icons.json`` (the SVG bodies, 32x32, MIT) and
  ``chars.json`` (code point -> icon name);
- ``openmoji``'s ``data/openmoji.json``, of which only the Unicode CLDR fields are kept: the short
  name (``annotation``), the keywords (``tags``) and the group/subgroup. OpenMoji's own keywords
  (``openmoji_tags``) and graphics are not used.

Skin-tone variants are dropped (their code points carry a modifier U+1F3FB..U+1F3FF), leaving
about 1,600 icons. Writes ``icons.json.gz``: ``{"source": ..., "icons": {name: {"label",
"keywords", "group", "subgroup", "body"}}}`` (about 1 MB).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

SKIN_TONES = {"1f3fb", "1f3fc", "1f3fd", "1f3fe", "1f3ff"}
STORE = "icons.json.gz"


def _member(tgz: Path, name: str) -> Any:
    with tarfile.open(tgz, "r:gz") as archive:
        member = archive.extractfile(f"package/{name}")
        if member is None:
            raise SystemExit(f"{tgz} has no package/{name}")
        return json.load(member)


def _codepoints(hexcode: str) -> str:
    """Code points as a join key: lower case, no variation selector 16."""
    return "-".join(p for p in hexcode.lower().replace(" ", "-").split("-") if p and p != "fe0f")


def build(icons_tgz: Path, keywords_tgz: Path) -> dict[str, Any]:
    icon_set = _member(icons_tgz, "icons.json")
    chars: dict[str, str] = _member(icons_tgz, "chars.json")
    version = _member(icons_tgz, "package.json")["version"]
    cldr = {_codepoints(e["hexcode"]): e for e in _member(keywords_tgz, "data/openmoji.json")}
    width, height = icon_set.get("width", 32), icon_set.get("height", 32)
    icons: dict[str, dict[str, Any]] = {}
    for codepoints, name in sorted(chars.items()):
        key = _codepoints(codepoints)
        if set(key.split("-")) & SKIN_TONES or name in icons:
            continue
        body = icon_set["icons"].get(name, {}).get("body")
        entry = cldr.get(key)
        if body is None or entry is None:
            continue
        keywords = [t.strip().lower() for t in entry.get("tags", "").split(",") if t.strip()]
        icons[name] = {
            "label": entry["annotation"].strip().lower(),
            "keywords": keywords,
            "group": entry.get("group", ""),
            "subgroup": entry.get("subgroups", ""),
            "body": body,
        }
        w, h = (
            icon_set["icons"][name].get("width", width),
            icon_set["icons"][name].get("height", height),
        )
        if (w, h) != (32, 32):
            icons[name]["size"] = [w, h]
    return {
        "source": f"@iconify-json/fluent-emoji-flat {version}; CLDR keywords via openmoji",
        "icons": icons,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--icons", type=Path, required=True, help="fluent-emoji-flat .tgz")
    parser.add_argument("--keywords", type=Path, required=True, help="openmoji .tgz")
    parser.add_argument("--out", type=Path, required=True, help="the data directory")
    args = parser.parse_args(argv)
    store = build(args.icons, args.keywords)
    args.out.mkdir(parents=True, exist_ok=True)
    partial = args.out / f"{STORE}.partial"
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as out:
        json.dump(store, out, separators=(",", ":"), ensure_ascii=False)
    partial.replace(args.out / STORE)  # atomic: a half-written store is never read
    print(f"offline pictures: {len(store['icons'])} icons -> {args.out / STORE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
