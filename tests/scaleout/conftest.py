"""An S3-compatible server on 127.0.0.1 for the object-storage tests: moto in server mode, a real process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-only-key",
    "AWS_SECRET_ACCESS_KEY": "test-only-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = f"warcs-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage_toml(self, bucket: str) -> str:
        return f'\n[storage]\nkind = "s3"\nendpoint = "{self.endpoint}"\nbucket = "{bucket}"\n'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """`moto_server` on a loopback port, for the whole session; ready once it says it is running."""
    if shutil.which("moto_server", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("moto[server] is not installed (it comes with the test extra)")
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # werkzeug announces the address once it listens
        if "Running on" in line:
            break
    else:
        raise RuntimeError(f"moto_server exited with {proc.wait()} before listening")
    threading.Thread(
        target=proc.stderr.read, daemon=True
    ).start()  # keep draining its request log, so it never blocks on a full pipe
    os.environ.update(CREDENTIALS)  # what boto3 reads, in this process and in the CLI processes it starts
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
