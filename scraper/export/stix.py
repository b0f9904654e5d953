"""Stubs as STIX 2.1 (built with the `stix2` library).

The removed network is an `intrusion-set`: a takedown names a set of assets and behaviour
run by one operator, seen over time and often across several reports and platforms, which
is what an intrusion set is; a `campaign` is one time-bound push, and one network usually
runs several. Per stub: the intrusion-set (counts in `x_takedowns_removed_assets`, evidence
in a `note`), a `report` per reference (URL and archive link as external references), an
`identity` per publishing organisation, `location` objects for origin (`attributed-to`,
DISARM's "attributions_seen") and target (`targets`) countries, and `uses` relationships to
DISARM's own attack-pattern ids (from DISARM.json) for accepted techniques. Every id is a
UUIDv5 of a stable key, and timestamps come from the stub, so re-exports are identical.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pycountry
import stix2

from scraper.errors import UserError
from scraper.files import PUBLIC_MODE, atomic_write_text

from .records import StubRecord, stable_uuid

# Shared objects (organisations, countries) are not owned by one stub: a fixed timestamp
# keeps their content identical wherever and whenever they are exported.
SHARED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
TOOL_IDENTITY_ID = f"identity--{stable_uuid('identity', 'takedown-archiver')}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _published(pub_date: str, fallback: datetime) -> datetime:
    try:
        return datetime.strptime(pub_date, "%Y/%m/%d").replace(tzinfo=UTC)
    except ValueError:
        return _utc(fallback)


def _country_code(name: str) -> str | None:
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def _identity(org: str) -> stix2.Identity:
    return stix2.Identity(
        id=f"identity--{stable_uuid('identity', org)}",
        name=org,
        identity_class="organization",
        created=SHARED_EPOCH,
        modified=SHARED_EPOCH,
    )


def stub_objects(rec: StubRecord, patterns: dict[str, str]) -> list:
    """The STIX objects of one stub (shared identities/locations included; dedupe when bundling)."""
    created, modified = _utc(rec.created_at), _utc(rec.updated_at)
    tool = stix2.Identity(
        id=TOOL_IDENTITY_ID,
        name="takedown-archiver",
        identity_class="system",
        created=SHARED_EPOCH,
        modified=SHARED_EPOCH,
    )
    common = {"created": created, "modified": modified, "created_by_ref": tool.id}
    incident_id = rec.disarm_id or rec.stub_id
    network = stix2.IntrusionSet(
        id=f"intrusion-set--{stable_uuid('stub', rec.stub_id)}",
        name=rec.name,
        **({"description": rec.summary} if rec.summary else {}),
        aliases=[incident_id],
        external_references=[{"source_name": "takedown-archiver", "external_id": incident_id}],
        custom_properties={
            "x_takedowns_removed_assets": rec.counts,
            "x_takedowns_platform": rec.platform or "",
            "x_takedowns_status": rec.status,
        },
        **common,
    )
    objects: list = [tool, network]
    links: list = []

    def relate(source: str, kind: str, target: str, description: str | None = None) -> None:
        extra = {"description": description} if description else {}
        links.append(
            stix2.Relationship(
                id=f"relationship--{stable_uuid(source, kind, target)}",
                source_ref=source,
                relationship_type=kind,
                target_ref=target,
                **extra,
                **common,
            )
        )

    for kind, countries in (("attributed-to", rec.origin), ("targets", rec.targets)):
        for country in countries:
            code = _country_code(country)
            if code is None:
                continue  # a region or an unknown name: it stays in the stub's text, not as a location
            loc = stix2.Location(
                id=f"location--{stable_uuid('location', code)}",
                name=country,
                country=code,
                created=SHARED_EPOCH,
                modified=SHARED_EPOCH,
            )
            objects.append(loc)
            relate(network.id, kind, loc.id)
    for tech in rec.techniques:
        if tech.id not in patterns:
            raise UserError(
                f"technique {tech.id} of stub {rec.stub_id} is not in DISARM's STIX bundle: use a DISARM.json matching "
                "the framework spreadsheet"
            )
        relate(network.id, "uses", patterns[tech.id], " ".join(tech.sentences) or None)
    objects += links
    if rec.counts or rec.evidence:
        lines = [f"{k}: {v}" for k, v in sorted(rec.counts.items())] + [f"> {e}" for e in rec.evidence]
        abstract = "Removed assets and the report sentences they come from"
        note_id = f"note--{stable_uuid('counts', rec.stub_id)}"
        objects.append(
            stix2.Note(id=note_id, abstract=abstract, content="\n".join(lines), object_refs=[network.id], **common)
        )
    refs = [o.id for o in objects if o.type in ("intrusion-set", "location", "relationship", "note")]
    for ref in rec.references:
        org = _identity(ref.org) if ref.org else None
        if org is not None:
            objects.append(org)
        external = [{"source_name": ref.org or "report", "url": ref.url}]
        if ref.archive.startswith("https://web.archive.org/"):
            external.append({"source_name": "Wayback Machine", "url": ref.archive})
        objects.append(
            stix2.Report(
                id=f"report--{stable_uuid('report', ref.url)}",
                name=ref.title or ref.url,
                report_types=["threat-report"],
                published=_published(ref.pub_date, rec.created_at),
                object_refs=refs,
                external_references=external,
                created_by_ref=org.id if org is not None else tool.id,
                created=created,
                modified=modified,
                custom_properties={"x_takedowns_authors": ref.authors} if ref.authors else {},
            )
        )
    return objects


def bundle_of(objects: list, key: str) -> stix2.Bundle:
    unique = list({o.id: o for o in objects}.values())
    return stix2.Bundle(id=f"bundle--{stable_uuid('bundle', key)}", objects=unique, allow_custom=True)


def write_stix(records: list[StubRecord], patterns: dict[str, str], out_dir: Path, one_bundle: bool) -> list[Path]:
    bundles: list[tuple[Path, stix2.Bundle]] = []
    if one_bundle:
        objects = [o for rec in records for o in stub_objects(rec, patterns)]
        bundles.append((out_dir / "stubs.stix.json", bundle_of(objects, " ".join(sorted(r.stub_id for r in records)))))
    else:
        for rec in records:
            bundles.append(
                (
                    out_dir / f"{rec.disarm_id or rec.stub_id}.stix.json",
                    bundle_of(stub_objects(rec, patterns), rec.stub_id),
                )
            )
    for path, bundle in bundles:
        text = bundle.serialize(pretty=True, sort_keys=True)
        atomic_write_text(path, text + "\n", PUBLIC_MODE)
    return [p for p, _ in bundles]
