"""One count aggregation: the relevance gate and the stub agree on a report's numbers."""

from __future__ import annotations

from scraper.discover.relevance import judge
from scraper.extract.report import Network, Report
from scraper.stubs.content import is_takedown


def two_network_report() -> Report:
    return Report(
        url="https://example.org/r",
        final_url="https://example.org/r",
        networks=[Network(counts={"facebook_accounts": 10, "pages": 2}), Network(counts={"facebook_accounts": 5})],
        totals={"facebook_accounts": 99, "groups": 4},
    )


def test_networks_are_summed_and_totals_fill_only_missing_types():
    assert two_network_report().asset_counts() == {"facebook_accounts": 15, "pages": 2, "groups": 4}


def test_relevance_and_stubs_state_the_same_counts():
    kept, why_kept = judge(two_network_report())
    takedown, why_stub = is_takedown(two_network_report())
    assert kept and takedown
    expected = "facebook_accounts=15, groups=4, pages=2"
    assert why_kept.endswith(expected) and why_stub.endswith(expected), (why_kept, why_stub)


def test_a_report_without_counts_has_none():
    assert Report(url="u", final_url="u").asset_counts() == {}
