"""Stubs as MISP events (pymisp): references as `link` attributes, removed-asset counts as
`counter` attributes with their evidence, accepted techniques as DISARM galaxy clusters.

Cluster UUIDs come from the `disarm-techniques` galaxy shipped in the pymispgalaxies package
(offline). Its copy predates DISARM's newer persona/asset techniques (T0097.x, T0143.x,
T0151.x...): those are tagged `misp-galaxy:disarm-techniques="<name>"` without a cluster,
which a MISP instance with an up-to-date galaxy resolves by name.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPGalaxy, MISPGalaxyCluster

from scraper.files import PUBLIC_MODE, atomic_write_text

from .records import StubRecord, stable_uuid

GALAXY_TYPE = "disarm-techniques"


@cache
def disarm_galaxy() -> tuple[dict, dict[str, dict]]:
    """(galaxy header, technique id -> cluster) from pymispgalaxies' data; empty if absent."""
    try:
        import pymispgalaxies
    except ImportError:
        return {}, {}
    root = Path(pymispgalaxies.__file__).parent / "data" / "misp-galaxy"
    try:
        galaxy = json.loads((root / "galaxies" / f"{GALAXY_TYPE}.json").read_text(encoding="utf-8"))
        clusters = json.loads((root / "clusters" / f"{GALAXY_TYPE}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    by_id = {v["meta"]["external_id"]: v for v in clusters.get("values", []) if v.get("meta", {}).get("external_id")}
    return galaxy, by_id


def _date(pub_date: str, fallback: datetime) -> date:
    try:
        return datetime.strptime(pub_date, "%Y/%m/%d").date()
    except ValueError:
        return fallback.date()


def _attribute(event: MISPEvent, kind: str, value: str, **fields: Any) -> MISPAttribute:
    """`event.add_attribute` for one value (pymisp returns a list only when given a list)."""
    attr = event.add_attribute(kind, value, **fields)
    assert isinstance(attr, MISPAttribute)
    return attr


def stub_event(rec: StubRecord) -> MISPEvent:
    event = MISPEvent()
    event.uuid = stable_uuid("misp-event", rec.stub_id)
    event.info = f"{rec.disarm_id or rec.stub_id}: {rec.name}"
    dates = [r.pub_date for r in rec.references if r.pub_date]
    event.date = _date(min(dates), rec.created_at) if dates else rec.created_at.date()
    event.timestamp = rec.updated_at.replace(tzinfo=UTC)
    event.distribution, event.threat_level_id, event.analysis = (
        0,
        4,
        0,
    )  # your org only, undefined, initial: a stub awaiting review
    event.add_tag("takedown-archiver:stub")
    for ref in rec.references:
        attr = _attribute(
            event,
            "link",
            ref.url,
            category="External analysis",
            comment=" / ".join(x for x in (ref.title, ref.org, ref.pub_date) if x),
            to_ids=False,
        )
        attr.uuid = stable_uuid("misp-link", rec.stub_id, ref.url)
        if ref.archive.startswith("https://web.archive.org/"):
            arch = _attribute(
                event,
                "link",
                ref.archive,
                category="External analysis",
                comment=f"archived copy of {ref.url}",
                to_ids=False,
            )
            arch.uuid = stable_uuid("misp-link", rec.stub_id, ref.archive)
    for kind, value in sorted(rec.counts.items()):
        attr = _attribute(event, "counter", str(value), category="Other", comment=f"removed {kind}", to_ids=False)
        attr.uuid = stable_uuid("misp-count", rec.stub_id, kind)
    for i, sentence in enumerate(rec.evidence):
        attr = _attribute(
            event, "text", sentence, category="Other", comment="evidence for the removed-asset counts", to_ids=False
        )
        attr.uuid = stable_uuid("misp-evidence", rec.stub_id, str(i))
    for country in rec.origin:
        event.add_tag(f'takedown-archiver:origin="{country}"')
    for country in rec.targets:
        event.add_tag(f'takedown-archiver:target="{country}"')
    header, clusters = disarm_galaxy()
    galaxy: MISPGalaxy | None = None
    for tech in rec.techniques:
        cluster = clusters.get(tech.id)
        label = cluster["value"] if cluster else tech.name
        event.add_tag(f'misp-galaxy:{GALAXY_TYPE}="{label}"')
        if cluster is None:
            continue
        if galaxy is None:
            galaxy = MISPGalaxy()
            galaxy.from_dict(
                uuid=header["uuid"],
                name=header["name"],
                type=GALAXY_TYPE,
                namespace=header.get("namespace", "disarm"),
                description=header.get("description", ""),
                version=str(header.get("version", "")),
            )
        mc = MISPGalaxyCluster()
        mc.from_dict(
            uuid=cluster["uuid"],
            value=label,
            type=GALAXY_TYPE,
            tag_name=f'misp-galaxy:{GALAXY_TYPE}="{label}"',
            description=cluster.get("description", ""),
            meta=cluster.get("meta", {}),
        )
        galaxy.clusters.append(mc)
    if galaxy is not None:
        event.galaxies.append(galaxy)
    return event


def write_misp(records: list[StubRecord], out_dir: Path) -> list[Path]:
    written = []
    for rec in records:
        path = out_dir / f"{rec.disarm_id or rec.stub_id}.misp.json"
        # {"Event": {...}}: the shape MISP's import and pymisp's load_file read
        text = json.dumps(
            {"Event": json.loads(stub_event(rec).to_json())}, indent=2, sort_keys=True, ensure_ascii=False
        )
        atomic_write_text(path, text + "\n", PUBLIC_MODE)
        written.append(path)
    return written
