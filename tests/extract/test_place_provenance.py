"""Each origin and target records how it was found; the provenances that are often wrong are marked "check"."""

from __future__ import annotations

from scraper.extract.networks import NOTHING_COUNTED, extract_facts
from scraper.extract.places import HEADING_CHECK, ORIGIN_LIST, TARGET_PHRASE, origin_checks


def test_a_stated_origin_and_target_are_read_plainly_with_their_provenance():
    text = "Update\n\nThe company removed 30 Facebook accounts operated from Chile that targeted audiences in Bolivia."
    net = extract_facts(text, title="Update", org="Meta").networks[0]
    assert net.origin == ["Chile"] and net.targets == ["Bolivia"]
    assert net.found_by == {"origin": {"Chile": "an origin phrase (run from)"}, "targets": {"Bolivia": TARGET_PHRASE}}
    assert net.confidence["origin"] == {"Chile": "high"} and net.confidence["targets"] == {"Bolivia": "high"}
    assert "origin" not in net.checks


def test_an_origin_from_the_title_of_a_text_that_counts_no_network_is_marked():
    text = "A network from Peru\n\nAcross all its reports this month, the company removed a total of 212 Facebook accounts."
    facts = extract_facts(text, title="A network from Peru", org="Meta")
    net = facts.networks[0]
    assert net.origin == ["Peru"] and not net.counts
    assert net.confidence["origin"] == {"Peru": "check"}
    assert net.checks["origin"] == {"Peru": [NOTHING_COUNTED]}


def test_a_heading_country_does_not_join_an_origin_the_section_states():
    text = "Report\n\n## Chile\n\nWe removed 40 Facebook accounts linked to Argentina."
    net = extract_facts(text, title="Report", org="Meta").networks[0]
    assert net.origin == ["Argentina"]


def test_a_heading_country_is_still_the_origin_when_the_section_states_none():
    text = "Report\n\n## Chile\n\nWe removed 40 Facebook accounts and 8 Pages.\n\n## Bolivia\n\nWe removed 12 Facebook accounts."
    nets = extract_facts(text, title="Report", org="Meta").networks
    assert [n.origin for n in nets] == [["Chile"], ["Bolivia"]]
    assert nets[0].found_by["origin"] == {"Chile": HEADING_CHECK}


def test_one_origin_phrase_naming_many_countries_says_so():
    assert origin_checks("Networks originating in Chile, Peru, Bolivia and Ecuador were removed.") == dict.fromkeys(
        ["Chile", "Peru", "Bolivia", "Ecuador"], ORIGIN_LIST
    )
    assert origin_checks("A network originating in Chile was removed.") == {
        "Chile": "an origin phrase (originating in / coming from)"
    }
