"""The one place that moves WARC bytes out of `<data>/warc/`: into `<data>/quarantine/`, never away.

WARCs are the preservation master: no code deletes one, and none cuts bytes from one
that it has not first copied here (issue 26). A file the catalogue does not list (its
rows were lost, or its writer was killed before its first commit) is moved here whole;
bytes past a file's committed size (a torn append, or whole records whose catalogue
rows were lost) are copied here, fsynced, and only then cut from the file, so the WARC
stays appendable and `warcio check` passes on it. `archive reindex` moves a quarantined
file that holds records the catalogue lacks back into `warc/` and catalogues them;
anything else stays here for a person to look at.

Callers hold the WARC store's lock (`WarcStore.locked`), so no writer is between its
append and its commit while files move: start-up recovery, the writer itself before it
appends to a file with such a tail, and `archive reindex`.
"""

from __future__ import annotations

import os
from pathlib import Path

QUARANTINE = "quarantine"  # under the data dir, beside warc/


def quarantine_dir(data_dir: Path) -> Path:
    return data_dir / QUARANTINE


def quarantined(data_dir: Path) -> list[Path]:
    """The WARC files in quarantine, oldest name first."""
    folder = quarantine_dir(data_dir)
    return sorted(p for p in folder.glob("*.warc.gz") if p.is_file()) if folder.is_dir() else []


def is_tail(path: Path) -> bool:
    """Whether a quarantined file is the bytes past a file's committed size (`set_tail_aside`), not a whole file."""
    return ".tail-" in path.name


def _free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name` with `.1`, `.2`... before `.warc.gz` when taken: nothing is ever overwritten."""
    stem = name.removesuffix(".warc.gz")
    candidate, n = folder / name, 0
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}.{n}.warc.gz"
    return candidate


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def move_aside(data_dir: Path, path: Path) -> Path:
    """Move the WARC at `path` into quarantine (a rename: same bytes, same file system); return where it went."""
    folder = quarantine_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path.name)
    os.rename(path, target)
    _fsync_dir(folder)
    _fsync_dir(path.parent)
    return target


def set_tail_aside(data_dir: Path, path: Path, keep: int) -> Path:
    """Copy the bytes of `path` past `keep` into a quarantine file, fsync it, then cut them from `path`.

    The copy is named `<file>.tail-<keep>.warc.gz`: a tail starts where a gzip member
    (a record) starts, so whole records in it are a WARC of their own.
    """
    folder = quarantine_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, f"{path.name.removesuffix('.warc.gz')}.tail-{keep}.warc.gz")
    with open(path, "r+b") as src, open(target, "xb") as dst:
        src.seek(keep)
        for block in iter(lambda: src.read(1 << 20), b""):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
        _fsync_dir(folder)
        src.truncate(keep)  # only now: every byte cut is in `target`, on disk
        os.fsync(src.fileno())
    return target


def bring_back(data_dir: Path, path: Path) -> Path | None:
    """Move a quarantined WARC back into `warc/` under its own name; None (and it stays) when that name is taken."""
    target = data_dir / "warc" / path.name
    if target.exists():
        return None
    os.rename(path, target)
    _fsync_dir(target.parent)
    _fsync_dir(path.parent)
    return target
