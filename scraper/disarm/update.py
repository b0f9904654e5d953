"""`takedowns disarm update`: fetch DISARM's files at a tag or commit, check them, install them.

A tag or branch is first turned into its commit (GitHub's API), so all three files come from
one commit and the copy records exactly what it is. Files go to a staging folder beside the
downloads and are checked there; only a complete, checked set is moved into place, so a
404, a truncated workbook or an HTML error page leaves the copy in use untouched.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from scraper.config import Config
from scraper.errors import FetchError, UserError
from scraper.fetch.client import HttpClient
from scraper.settings import DisarmSettings

from .check import check_file
from .source import COMMIT, FILES, PINNED_COMMIT, REF, REPOSITORY
from .store import discard, install, staging


@dataclass(frozen=True)
class Updated:
    directory: Path
    ref: str
    commit: str
    summaries: dict[str, str]  # file name -> what the check found


def update(config: Config, ref: str = PINNED_COMMIT) -> Updated:
    ref = ref.strip()
    if not REF.match(ref) or ".." in ref:
        raise UserError(
            f"--ref {ref!r} is not a tag, branch or commit name (letters, digits, . _ - /): e.g. --ref"
            f" {PINNED_COMMIT[:12]}"
        )
    return asyncio.run(_update(config, DisarmSettings.from_config(config), ref))


async def _update(config: Config, settings: DisarmSettings, ref: str) -> Updated:
    async with HttpClient(config.http) as client:
        commit = ref.lower() if COMMIT.match(ref.lower()) else await _resolve(client, settings.api_base, ref)
        folder = staging(config.data_dir)
        try:
            files: dict[str, dict[str, object]] = {}
            summaries: dict[str, str] = {}
            for f in FILES:
                url = f"{settings.raw_base.rstrip('/')}/{commit}/{quote(f.repo_path)}"
                content = await _download(client, url, f.what)
                path = folder / f.name
                path.write_bytes(content)
                try:
                    summaries[f.name] = check_file(path, f)
                except UserError as exc:
                    raise FetchError(f"{url}: {exc}; nothing was replaced", url=url, reason="bad_disarm_file") from None
                files[f.name] = {
                    "bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "url": url,
                    "path": f.repo_path,
                }
            source = {
                "repository": REPOSITORY,
                "ref": ref,
                "commit": commit,
                "raw_base": settings.raw_base,
                "downloaded_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
                "files": files,
            }
            final = install(config.data_dir, folder, source)
        except BaseException:
            discard(folder)
            raise
    return Updated(final, ref, commit, summaries)


async def _download(client: HttpClient, url: str, what: str) -> bytes:
    # A file the user asked for by name, not a crawl: robots.txt (which disallows raw files) is not consulted.
    result = await client.fetch(url, respect_robots=False)
    if result.status != 200:
        raise FetchError(
            f"DISARM's {what} {url} answered HTTP {result.status}; nothing was replaced (is the ref right? see [disarm]"
            " raw_base)",
            url=url,
            reason=f"http_{result.status}",
            status=result.status,
        )
    if not result.content:
        raise FetchError(f"DISARM's {what} {url} came back empty; nothing was replaced", url=url, reason="empty")
    return result.content


async def _resolve(client: HttpClient, api_base: str, ref: str) -> str:
    """The commit a tag or branch names, from GitHub's `GET /repos/{owner}/{repo}/commits/{ref}`."""
    url = f"{api_base.rstrip('/')}/commits/{quote(ref)}"
    result = await client.fetch(url, respect_robots=False)
    if result.status in (404, 422):
        raise UserError(
            f"DISARM's repository has no tag, branch or commit {ref!r} ({url} answered HTTP {result.status})"
        )
    if result.status != 200:
        raise FetchError(
            f"cannot resolve {ref!r} to a commit: {url} answered HTTP {result.status}; pass a full commit id with --ref"
            " instead",
            url=url,
            reason=f"http_{result.status}",
            status=result.status,
        )
    try:
        sha = json.loads(result.content)["sha"]
    except (ValueError, KeyError, TypeError):
        sha = None
    if not isinstance(sha, str) or not COMMIT.match(sha):
        raise FetchError(
            f"{url} did not answer with a commit id; pass a full commit id with --ref instead",
            url=url,
            reason="bad_answer",
        )
    return sha
