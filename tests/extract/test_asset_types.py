"""`ASSET_TYPES` (what a curator's counts may name) is every type extraction gives and the gold names."""

from __future__ import annotations

import itertools
import json

from scraper.extract.assets import ASSET_TYPES, NOUNS, PLATFORMS, asset_type

from ..conftest import SHARED


def test_every_type_the_asset_rules_give_is_known():
    given = {
        asset_type(noun, platform, meta_context=meta, platform_owner=owner)
        for noun, platform, meta, owner in itertools.product(
            [*NOUNS, "developer accounts"],
            [None, "several", *PLATFORMS],
            (False, True),
            (None, "Twitter", "TikTok", "Reddit", "Google", "Meta"),
        )
    }
    assert given - {None} <= set(ASSET_TYPES)


def test_every_type_the_gold_file_counts_is_known():
    used: set[str] = set()
    for line in (SHARED / "gold" / "dev.jsonl").read_text().splitlines():
        record = json.loads(line)
        for network in record.get("networks", []):
            used |= set(network.get("counts", {}))
        used |= set(record.get("totals", {}))
    assert used and used <= set(ASSET_TYPES), used - set(ASSET_TYPES)
