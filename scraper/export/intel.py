"""STIX 2.1 or MISP files of stub records, for `stubs export` and the desk's downloads.

Their libraries are an optional extra, imported on use."""

from __future__ import annotations

from pathlib import Path

from scraper.config import Config
from scraper.disarm.bundle import attack_pattern_ids
from scraper.errors import UserError
from scraper.techniques.settings import TechniqueSettings


def write_intel(fmt: str, records: list, out_dir: Path, bundle: bool, config: Config) -> list[Path]:
    """STIX or MISP files; their libraries are an optional extra, imported on use."""
    extras_hint = "install the optional extra: pip install 'takedown-archiver[disarm]'"
    if fmt == "stix":
        try:
            from scraper.export.stix import write_stix
        except ImportError as exc:
            raise UserError(f"STIX export needs the stix2 library ({exc.name} missing): {extras_hint}") from None

        return write_stix(
            records, attack_pattern_ids(TechniqueSettings.from_config(config).stix_bundle), out_dir, bundle
        )
    try:
        from scraper.export.misp import write_misp
    except ImportError as exc:
        raise UserError(f"MISP export needs pymisp ({exc.name} missing): {extras_hint}") from None
    return write_misp(records, out_dir)
