"""URL identity: one normaliser serves stubs, the org table and Wayback backfill."""

from __future__ import annotations

import pytest

from scraper.discover.poll import earliest_good_captures
from scraper.extract import org_for_url
from scraper.urls import host_and_path, normalise_url, report_url


@pytest.mark.parametrize(
    "a,b",
    [
        ("https://about.fb.com/news/x/", "http://www.about.fb.com/news/x"),
        ("https://example.org/r?b=2&a=1", "https://EXAMPLE.org:443/r?a=1&b=2&utm_medium=social&gclid=9"),
        ("https://example.org/r", "https://example.org/r?mc_cid=1&fbclid=2&_hsenc=3#top"),
        ("https://m.example.org/r", "https://example.org/r/"),
        ("https://medium.com/@DFRLab/Some-Post-1a2b", "https://medium.com/dfrlab/some-post-1a2b"),
        ("https://medium.com/%40DFRLab/Some-Post-1a2b", "https://medium.com/dfrlab/some-post-1a2b"),
    ],
)
def test_spellings_of_one_url_share_a_key(a, b):
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("https://example.org/r?id=5", "https://example.org/r?id=6"),
        ("https://example.org/Report", "https://example.org/report"),  # only Medium's paths are case-blind
        ("http://127.0.0.1:8001/r", "http://127.0.0.1:8002/r"),
        ("https://example.org/a", "https://example.com/a"),
    ],
)
def test_different_urls_keep_different_keys(a, b):
    assert normalise_url(a) != normalise_url(b)


def test_unreadable_input_is_only_equal_to_itself():
    assert normalise_url("http://[::1/x") == "http://[::1/x"


def test_org_table_keys_are_normalised_like_urls():
    orgs = {"medium.com/@dfrlab": "DFRLab", "medium.com": "Medium", "about.fb.com": "Meta"}
    assert org_for_url("https://medium.com/dfrlab/post", orgs) == "DFRLab"
    assert org_for_url("https://www.medium.com/@DFRLab/post", orgs) == "DFRLab"
    assert org_for_url("https://medium.com/other/post", orgs) == "Medium"
    assert org_for_url("https://m.about.fb.com/news/", orgs) == "Meta"
    assert host_and_path("https://www.Example.org:8443/A/b?x=1") == ("example.org", "/a/b")


def test_backfill_keeps_one_capture_per_url_identity():
    rows = [
        {"timestamp": "20200102000000", "original": "https://www.example.org/r/?utm_source=x", "statuscode": "200"},
        {"timestamp": "20200101000000", "original": "http://example.org/r", "statuscode": "200"},
        {"timestamp": "20190101000000", "original": "http://example.org/r", "statuscode": "404"},
    ]
    assert earliest_good_captures(rows) == [("20200101000000", "http://example.org/r")]


def test_a_report_is_named_by_where_its_citation_landed_unless_that_is_an_archive_copy():
    assert (
        report_url("https://t.co/abc", "https://about.fb.com/news/2022/03/report/")
        == "https://about.fb.com/news/2022/03/report/"
    )
    assert report_url("https://about.fb.com/news/x/", None) == "https://about.fb.com/news/x/"
    wayback = "https://web.archive.org/web/20220308000000id_/https://about.fb.com/news/x/"
    assert (
        report_url("https://about.fb.com/news/x/", wayback) == "https://about.fb.com/news/x/"
    )  # a backfill fetch recorded as the report
    loopback = "http://127.0.0.1:8080/web/20220308000000id_/http://127.0.0.1:9000/news/x/"
    assert report_url("http://127.0.0.1:9000/news/x/", loopback) == "http://127.0.0.1:9000/news/x/"
