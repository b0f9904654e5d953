"""The Report: what extraction learns from one capture, in the gold-file shapes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Bump when extraction output may change, so `takedowns reextract` knows what is stale.
EXTRACTOR_VERSION = (
    "0.3.4"  # 0.3.0: HTML blocks are hard sentence boundaries; 0.3.1: restatements merged, confidence marks;
    # 0.3.2: places and numbers of other-language retellings, orphan followers; 0.3.3: each place's provenance
    # (`found_by`), place marks calibrated per provenance; 0.3.4: round-7 counts (bounded restatements,
    # partitives with an origin, inventory lines, relative origin clauses, actors of every removal verb)
)

# Confidence of one extracted value: "high" when read from an explicit phrasing (a removal verb with a count
# and its asset noun, an origin or target phrase), "check" when found by a weaker rule; `checks` says which.
HIGH = "high"
CHECK = "check"


@dataclass
class Network:
    """One network a report describes; counts are removed assets by asset type."""

    origin: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    followers: dict[str, int] = field(default_factory=dict)
    ad_spend_usd: int | None = None
    approximate: list[str] = field(default_factory=list)  # asset types whose count had "about", "more than"...
    evidence: list[str] = field(default_factory=list)  # the exact sentences the numbers came from
    # beside the gold-shaped fields: {"counts"|"origin"|"targets"|"followers": {key: "high"|"check"}}
    confidence: dict[str, dict[str, str]] = field(default_factory=dict)
    # why each "check" value is less sure: {field: {key: [reasons]}}
    checks: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # how each origin and target was found: {"origin"|"targets": {country: provenance}} (scraper/extract/places.py)
    found_by: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_be_checked(self) -> list[tuple[str, str, list[str]]]:
        """(field, key, reasons) of every value marked "check", counts first."""
        return [
            (f, k, self.checks.get(f, {}).get(k, []))
            for f, values in self.confidence.items()
            for k, level in values.items()
            if level == CHECK
        ]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    url: str
    final_url: str
    title: str | None = None
    pub_date: date | None = None
    date_source: str | None = None  # which rule gave pub_date (metadata, url, dateline, htmldate, pdf)
    authors: list[str] = field(default_factory=list)
    org: str | None = None
    sitename: str | None = None
    language: str | None = None
    text: str = ""
    content_type: str = ""
    platform: str | None = None
    networks: list[Network] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    totals_evidence: list[str] = field(default_factory=list)
    totals_confidence: dict[str, str] = field(default_factory=dict)
    totals_checks: dict[str, list[str]] = field(default_factory=dict)
    capture_id: int | None = None
    extractor_version: str = EXTRACTOR_VERSION
    warnings: list[str] = field(default_factory=list)

    @property
    def text_chars(self) -> int:
        return len(self.text)

    def asset_counts(self) -> dict[str, int]:
        """Removed assets by type for the whole report: each network's counts summed,
        then stated totals for types no network counts. The one aggregation, used by
        the relevance gate and by stubs alike."""
        counts: dict[str, int] = {}
        for network in self.networks:
            for asset, value in network.counts.items():
                counts[asset] = counts.get(asset, 0) + value
        for asset, value in self.totals.items():
            counts.setdefault(asset, value)
        return counts

    def to_check(self) -> list[tuple[str, str, str, list[str]]]:
        """(where, field, value, reasons) of every extracted value marked "check", network by network, then totals:
        where a curator looks first."""
        out: list[tuple[str, str, str, list[str]]] = []
        for i, n in enumerate(self.networks, 1):
            values = {"counts": n.counts, "followers": n.followers}
            for field_name, key, reasons in n.to_be_checked():
                shown = (
                    f"{key}={values[field_name][key]}" if field_name in values and key in values[field_name] else key
                )
                out.append((f"network {i}", field_name, shown, reasons))
        for key, level in self.totals_confidence.items():
            if level == CHECK and key in self.totals:
                out.append(("totals", "counts", f"{key}={self.totals[key]}", self.totals_checks.get(key, [])))
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["pub_date"] = self.pub_date.isoformat() if self.pub_date else None
        d["text_chars"] = self.text_chars
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        d = dict(d)
        d.pop("text_chars", None)
        d["pub_date"] = date.fromisoformat(d["pub_date"]) if d.get("pub_date") else None
        d["networks"] = [Network(**n) for n in d.get("networks", [])]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})
