"""`github_index`: a JSON index of reports in a GitHub repository (Meta threat research)."""

from __future__ import annotations

import json

from ..candidate import Candidate, ShapeError, Source
from . import Fetch, Kind, Option, register


def github_index(content: bytes, raw_base: str, markdown_dir: str = "indicators") -> list[Candidate]:
    """Meta threat-research `index.json`: each report's reference URLs, and its per-network
    Markdown summary (raw file URL; older reports have none, so it is optional)."""
    try:
        items = json.loads(content)
    except ValueError as exc:
        raise ShapeError(f"index.json does not parse: {exc}") from None
    if isinstance(items, dict):
        items = items.get("reports") or next((v for v in items.values() if isinstance(v, list)), None)
    if not isinstance(items, list) or not any(isinstance(i, dict) and i.get("id") for i in items):
        raise ShapeError("index.json lists no reports with ids")
    out: list[Candidate] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        published = str(item.get("reported_ds") or "")[:10] or None
        out.append(
            Candidate(
                f"{raw_base.rstrip('/')}/{markdown_dir}/{item['id']}.md",
                str(item["id"]),
                published=published,
                optional=True,
            )
        )
        for url in item.get("reference_urls") or []:
            if isinstance(url, str) and url.startswith("http"):
                out.append(Candidate(url, str(item["id"]), published=published))
    return out


async def discover(source: Source, get: Fetch) -> list[Candidate]:
    raw_base = source.option("raw_base") or source.url.rsplit("/", 1)[0]
    return github_index(await get(source.url), raw_base, source.option("markdown_dir", "indicators"))


KIND = register(
    Kind(
        "github_index",
        "a JSON index of reports in a GitHub repository",
        discover,
        options={
            "raw_base": Option(str, "base URL of raw files (default: the index's folder)"),
            "markdown_dir": Option(str, "folder of per-report Markdown summaries (default indicators)"),
        },
    )
)
