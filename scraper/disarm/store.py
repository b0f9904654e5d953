"""DISARM copies on disk: the packaged snapshot and the downloads under <data>/disarm/.

Each download is a folder of its own (`<commit>-<time>/`: the three files and source.json);
`current.json` names the one in use and is replaced by an atomic rename, so readers see the
old copy or the new one, never a mix, and a failed download changes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scraper.files import atomic_write_text
from scraper.processes import alive

from .source import FILES, REPOSITORY, short

log = logging.getLogger("takedowns.disarm")

PACKAGED = Path(__file__).resolve().parent / "data"
SOURCE_FILE = "source.json"
POINTER = "current.json"


@dataclass(frozen=True)
class DisarmCopy:
    """One complete set of DISARM's files with where it came from."""

    origin: str  # "downloaded" or "packaged"
    directory: Path
    repository: str
    ref: str
    commit: str
    when: str  # downloaded_at for a download, the commit's date for the snapshot
    problem: str = ""  # why a download in the data folder is not used, if one is there

    def path(self, name: str) -> Path:
        return self.directory / name

    def describe(self) -> str:
        ref = f" (ref {self.ref})" if self.ref and self.ref != self.commit else ""
        if self.origin == "downloaded":
            return f"downloaded {self.repository}@{short(self.commit)}{ref} on {self.when}, in {self.directory}"
        return f"packaged snapshot of {self.repository}@{short(self.commit)}{ref} ({self.when})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "directory": str(self.directory),
            "repository": self.repository,
            "ref": self.ref,
            "commit": self.commit,
            "when": self.when,
            **({"problem": self.problem} if self.problem else {}),
        }


def store_dir(data_dir: Path) -> Path:
    return data_dir / "disarm"


def _read_source(directory: Path) -> dict[str, Any]:
    data = json.loads((directory / SOURCE_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("commit"), str):
        raise ValueError(f"{directory / SOURCE_FILE} has no commit")
    return data


def packaged() -> DisarmCopy:
    source = _read_source(PACKAGED)
    return DisarmCopy(
        "packaged",
        PACKAGED,
        source.get("repository", REPOSITORY),
        source.get("ref", ""),
        source["commit"],
        source.get("committed", ""),
    )


def downloaded(data_dir: Path) -> DisarmCopy | None | str:
    """The download in use, None when there is none, or a sentence saying why it cannot be used."""
    pointer = store_dir(data_dir) / POINTER
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["dir"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"{pointer} is unreadable ({exc.__class__.__name__}); run `takedowns disarm update` again"
    directory = store_dir(data_dir) / str(name)
    try:
        source = _read_source(directory)
    except (OSError, ValueError) as exc:
        return f"{directory} is incomplete ({exc.__class__.__name__}); run `takedowns disarm update` again"
    missing = [f.name for f in FILES if not (directory / f.name).is_file()]
    if missing:
        return f"{directory} lacks {', '.join(missing)}; run `takedowns disarm update` again"
    return DisarmCopy(
        "downloaded",
        directory,
        source.get("repository", REPOSITORY),
        source.get("ref", ""),
        source["commit"],
        source.get("downloaded_at", ""),
    )


def current(data_dir: Path) -> DisarmCopy:
    """The copy in use: the data folder's download when there is a usable one, else the packaged snapshot."""
    found = downloaded(data_dir)
    if isinstance(found, DisarmCopy):
        return found
    snapshot = packaged()
    if isinstance(found, str):
        log.warning("DISARM download not used: %s", found)
        return DisarmCopy(
            snapshot.origin,
            snapshot.directory,
            snapshot.repository,
            snapshot.ref,
            snapshot.commit,
            snapshot.when,
            problem=found,
        )
    return snapshot


def staging(data_dir: Path) -> Path:
    """A fresh private folder beside the downloads (same filesystem, so installing it is a rename).

    Named after this process, so a later update can tell a killed update's leftovers (their
    process is gone) from a concurrent update's folder, and remove only the former.
    """
    root = store_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob(".incoming-*"):
        pid = old.name.split("-")[1]
        if pid.isdigit() and not alive(int(pid)):
            discard(old)
    return Path(tempfile.mkdtemp(dir=root, prefix=f".incoming-{os.getpid()}-"))


def discard(folder: Path) -> None:
    """Remove a staging folder (never anything outside <data>/disarm/.incoming-*)."""
    if folder.name.startswith(".incoming-"):
        shutil.rmtree(folder, ignore_errors=True)


def install(data_dir: Path, folder: Path, source: dict[str, Any]) -> Path:
    """Write source.json into a checked staging folder, move it into place, then point current.json at it."""
    atomic_write_text(folder / SOURCE_FILE, json.dumps(source, indent=2, sort_keys=True) + "\n", mode=0o644)
    for f in folder.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    final = store_dir(data_dir) / f"{short(source['commit'])}-{stamp}"
    folder.chmod(0o755)
    folder.rename(final)
    atomic_write_text(
        store_dir(data_dir) / POINTER, json.dumps({"dir": final.name, "commit": source["commit"]}) + "\n", mode=0o644
    )
    return final
