"""DISARM's STIX bundle (DISARM.json): technique id -> DISARM's own attack-pattern id.

Stub exports reference DISARM's attack-patterns by these ids rather than minting their own,
and `disarm update` uses the same reading to check a downloaded bundle.
"""

from __future__ import annotations

import json
from pathlib import Path

from scraper.errors import UserError


def attack_pattern_ids(bundle_path: Path) -> dict[str, str]:
    """DISARM technique id (T0097.208) -> the attack-pattern id in DISARM's own STIX bundle."""
    if not bundle_path.is_file():
        raise UserError(
            f"DISARM STIX bundle not found: {bundle_path} (set [techniques] stix_bundle in config.toml to DISARM.json,"
            ' or "" for the bundled copy)'
        )
    try:
        data = json.loads(bundle_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {bundle_path} as a STIX JSON bundle: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise UserError(f'{bundle_path} is JSON but not a STIX bundle (no "type": "bundle"): is it DISARM.json?')
    out: dict[str, str] = {}
    for obj in data.get("objects", []):
        if isinstance(obj, dict) and obj.get("type") == "attack-pattern":
            for ref in obj.get("external_references", []):
                if isinstance(ref, dict) and ref.get("external_id"):
                    out[ref["external_id"]] = obj["id"]
    if not out:
        raise UserError(f"{bundle_path} holds no DISARM attack-patterns: is it DISARM.json?")
    return out
