"""WARC files in S3-compatible object storage: whole-file upload with verification, ranged reads.

Workers on separate hosts share the catalogue and a bucket, nothing else (issue 32). Each
worker appends to its own local WARC (archive/warc.py); once the file is full it is sealed
by uploading it whole: the object's size and SHA-256 are checked against the local bytes,
and only then does the catalogue point at the object (`warc_files.path` and the captures'
`warc_path` become `s3://bucket/key`, in one transaction). The local copy is never deleted
or moved (no code path deletes a WARC): it stays in `<data>/warc/` as a second copy an
operator may prune once `archive verify --all` has passed.

Readers (`read_response`, WACZ export, replay, re-extraction, verify) open a capture
through `open_warc(locate(data_dir, warc_path))`: a local path is a file, an `s3://` URI is
read with HTTP range requests from the record's offset. The store is configured once per
process (`use`, called where the config is loaded); `kind = "local"` (the default) leaves
it unset, and boto3 is imported only when `kind = "s3"`.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .errors import ArchiveError, UnreadableRecord
from .settings import StorageSettings

log = logging.getLogger("takedowns.archive")

SCHEME = "s3://"
CHUNK = 8 * 1024 * 1024


def is_object(warc_path: str) -> bool:
    """Whether a catalogue path names an uploaded object rather than a file under the data dir."""
    return warc_path.startswith(SCHEME)


def local_name(warc_path: str) -> str:
    """`warc/<file name>`: where the worker that wrote an object keeps its local copy (and where a local file is)."""
    return f"warc/{PurePosixPath(warc_path).name}" if is_object(warc_path) else warc_path


def split_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix(SCHEME).partition("/")
    return bucket, key


@dataclass(frozen=True)
class Uploaded:
    uri: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Credentials:
    """S3 credentials as this process resolved them, handed to an extraction worker: the worker is
    forked from a server started earlier, whose environment may not hold them."""

    access_key: str
    secret_key: str
    token: str | None = None


class S3Store:
    """One bucket on an S3-compatible endpoint, through boto3 (credentials from the usual AWS_* environment)."""

    def __init__(self, settings: StorageSettings, credentials: Credentials | None = None) -> None:
        try:
            import boto3
            from botocore.config import Config as BotoConfig
        except ImportError:
            raise ArchiveError('[storage] kind = "s3" needs boto3: pip install "takedown-archiver[s3]"') from None
        self.settings = settings
        self.bucket = settings.bucket
        if credentials is not None:
            session = boto3.session.Session(
                aws_access_key_id=credentials.access_key,
                aws_secret_access_key=credentials.secret_key,
                aws_session_token=credentials.token,
            )
        else:
            session = boto3.session.Session()
        found = session.get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
        self.credentials = (
            Credentials(frozen.access_key, frozen.secret_key, frozen.token) if frozen is not None else None
        )
        self.client: Any = session.client(
            "s3",
            endpoint_url=settings.endpoint or None,
            region_name=settings.region,
            config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}),
        )

    def key_for(self, rel: str) -> str:
        name = PurePosixPath(rel).name
        return f"{self.settings.prefix.strip('/')}/{name}" if self.settings.prefix.strip("/") else name

    def upload(self, path: Path, size: int, rel: str) -> Uploaded:
        """Upload the first `size` bytes of `path` as one object; return it once its size and SHA-256 match.

        The digest is recomputed from the object as stored (a full read back), not trusted
        from the upload's response, so a truncated or altered object is never catalogued.
        """
        key = self.key_for(rel)
        local = _digest_file(path, size)
        log.info("uploading %s to s3://%s/%s (%d bytes)", rel, self.bucket, key, size)  # the kill test aims here
        with open(path, "rb") as f:
            self.client.upload_fileobj(_Prefix(f, size), self.bucket, key)
        head = self.client.head_object(Bucket=self.bucket, Key=key)
        if int(head["ContentLength"]) != size:
            raise ArchiveError(
                f"upload of {rel} to s3://{self.bucket}/{key} stored {head['ContentLength']} bytes, not {size}: "
                "the catalogue still points at the local file; it is uploaded again next time"
            )
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        remote = hashlib.sha256()
        for chunk in iter(lambda: body.read(CHUNK), b""):
            remote.update(chunk)
        if remote.hexdigest() != local:
            raise ArchiveError(
                f"upload of {rel} to s3://{self.bucket}/{key} differs from the local file (SHA-256): "
                "the catalogue still points at the local file; it is uploaded again next time"
            )
        return Uploaded(uri=f"{SCHEME}{self.bucket}/{key}", size=size, sha256=local)

    def size(self, uri: str) -> int | None:
        """The object's size, or None when there is no such object."""
        bucket, key = split_uri(uri)
        try:
            return int(self.client.head_object(Bucket=bucket, Key=key)["ContentLength"])
        except self.client.exceptions.ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def open(self, uri: str) -> IO[bytes]:
        bucket, key = split_uri(uri)
        return io.BufferedReader(_RangeReader(self.client, bucket, key), buffer_size=256 * 1024)


_store: S3Store | None = None


def use(settings: StorageSettings, credentials: Credentials | None = None) -> S3Store | None:
    """Configure this process's object store from `[storage]` (None for the local folder); return it.
    `credentials`: the ones another process resolved (`credentials()`), instead of this one's environment."""
    global _store
    if settings.kind == "local":
        _store = None
    elif settings.kind == "s3":
        if not settings.bucket:
            raise ArchiveError('[storage] kind = "s3" needs a bucket: set [storage] bucket in the config')
        _store = S3Store(settings, credentials)
    else:
        raise ArchiveError(f'[storage] kind must be "local" or "s3", not {settings.kind!r}')
    return _store


def current() -> S3Store | None:
    return _store


def credentials() -> Credentials | None:
    """The credentials this process's object store uses (None without one)."""
    return _store.credentials if _store is not None else None


def store_for(uri: str) -> S3Store:
    if _store is None:
        raise UnreadableRecord(
            f'{uri} is in object storage, but [storage] kind is not "s3": set [storage] in the config to read it'
        )
    return _store


def locate(data_dir: Path, warc_path: str) -> Path | str:
    """Where to read a catalogued WARC: a file under the data dir, or (uploaded) its object URI."""
    return warc_path if is_object(warc_path) else data_dir / warc_path


@contextmanager
def open_warc(where: Path | str) -> Iterator[IO[bytes]]:
    """A seekable binary stream over a local WARC file or an uploaded one."""
    if isinstance(where, str) and is_object(where):
        stream = store_for(where).open(where)
    else:
        stream = open(where, "rb")
    with stream:
        yield stream


def exists(where: Path | str) -> bool:
    if isinstance(where, str) and is_object(where):
        return store_for(where).size(where) is not None
    return Path(where).exists()


def _digest_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        left = size
        while left:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                raise ArchiveError(
                    f"{path} is shorter than its committed size ({size} bytes): not uploaded; run `takedowns archive "
                    "verify`"
                )
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


class _Prefix(io.RawIOBase):
    """The first `size` bytes of a file (bytes past the committed size are never uploaded)."""

    def __init__(self, f: IO[bytes], size: int) -> None:
        self.f, self.left = f, size

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _RangeReader(io.RawIOBase):
    """An object read from any offset: each seek starts one `Range: bytes=<pos>-` GET, streamed as it is read."""

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self.client, self.bucket, self.key = client, bucket, key
        self.pos = 0
        self.body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self.pos + offset if whence == io.SEEK_CUR else None
        if target is None:
            raise io.UnsupportedOperation("seek from the end of an object")
        if target != self.pos:
            self._drop()
            self.pos = target
        return self.pos

    def readinto(self, b: Any) -> int:
        if self.body is None:
            try:
                self.body = self.client.get_object(Bucket=self.bucket, Key=self.key, Range=f"bytes={self.pos}-")["Body"]
            except self.client.exceptions.NoSuchKey:
                raise FileNotFoundError(f"s3://{self.bucket}/{self.key}") from None
            except self.client.exceptions.ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) == "InvalidRange":
                    return 0  # at or past the end
                raise
        data = self.body.read(len(b))
        b[: len(data)] = data
        self.pos += len(data)
        return len(data)

    def _drop(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None

    def close(self) -> None:
        self._drop()
        super().close()
