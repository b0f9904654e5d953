"""The values the extractor is less sure of are marked where a curator reads a stub: `stubs show` and the desk."""

from __future__ import annotations

import html

import httpx

from .conftest import cli, report_page

PATH = "/news/2022/03/peru-network/"
# "thirteen Pages": a number in words, found by a weaker rule than "212 Facebook accounts"
SENTENCE = "Facebook removed 212 Facebook accounts linked to Peru and thirteen Pages."


def test_stubs_show_and_the_desk_mark_the_values_to_check(desk):
    desk.sites.set(PATH, report_page("Facebook removes a network from Peru", SENTENCE))
    stub_id = desk.fetch(PATH)["stub_id"]

    shown = desk.show(stub_id)
    assert [(c["where"], c["field"], c["value"], c["reasons"]) for c in shown["check"]] == [
        ("network 1", "counts", "facebook_pages=13", ["number in words"])
    ]
    assert shown["check"][0]["url"].endswith(PATH)
    text = cli("stubs", "show", stub_id, "--config", desk.config)
    assert text.exit_code == 0, text.stderr
    assert "Check first (the extractor is less sure of these):" in text.stdout
    assert "[check] network 1 counts facebook_pages=13: number in words" in text.stdout
    assert "facebook_accounts=212: " not in text.stdout  # the plainly read count is not marked

    page = html.unescape(httpx.get(f"{desk.base}/stubs/{stub_id}").text)
    assert "check: counts facebook_pages=13: number in words" in page
    assert "facebook_accounts=212:" not in page


TOTALS_PATH = "/news/2022/04/peru-totals/"
# no network is counted, only a total: the origin comes from the title alone
TOTALS_SENTENCE = (
    "Across all the networks it reported this month, Facebook removed a total of 212 Facebook accounts and 40 Pages."
)


def test_an_origin_from_the_title_alone_is_marked_in_stubs_show_and_the_desk(desk):
    desk.sites.set(TOTALS_PATH, report_page("A network from Peru", TOTALS_SENTENCE))
    stub_id = desk.fetch(TOTALS_PATH)["stub_id"]

    shown = desk.show(stub_id)
    reason = "from the title or lead; no network of the text is counted"
    assert [(c["where"], c["field"], c["value"], c["reasons"]) for c in shown["check"]] == [
        ("network 1", "origin", "Peru", [reason])
    ]
    text = cli("stubs", "show", stub_id, "--config", desk.config)
    assert text.exit_code == 0, text.stderr
    assert f"[check] network 1 origin Peru: {reason}" in text.stdout

    page = html.unescape(httpx.get(f"{desk.base}/stubs/{stub_id}").text)
    assert f"check: origin Peru: {reason}" in page
