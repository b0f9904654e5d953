"""Summaries and evidence read as published: headings apart, no repeats, closing quotes kept."""

from __future__ import annotations

from scraper.extract import extract_report
from scraper.extract.sentences import sentences, split_sentences
from scraper.stubs.content import summary

FILLER = "The operators posted about regional politics and criticised rival governments in several languages."


def report(text_html: str, title: str = "Our quarterly report on coordinated inauthentic behavior networks we removed"):
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{text_html}</article></body></html>"
    )
    return extract_report(
        html.encode(), url="https://example.org/r", final_url="https://example.org/r", content_type="text/html"
    )


def test_a_heading_above_a_paragraph_is_not_glued_into_its_first_sentence():
    text = "Iran\nWe removed 93 Facebook accounts and 14 Pages. They posted in Farsi.\nRussia\nWe removed 12 Pages."
    found = [(s.text, s.kind) for s in sentences(text)]
    assert ("Iran", "heading") in found and ("Russia", "heading") in found
    assert ("We removed 93 Facebook accounts and 14 Pages.", "text") in found
    assert ("We removed 12 Pages.", "text") in found


def test_wrapped_pdf_lines_are_still_joined():
    text = "We removed 41 Facebook accounts, 13 Pages, five\nGroups, and 118 Instagram\naccounts. This network originated in\nPalestine and targeted\nIsrael."
    assert [s.text for s in sentences(text)] == [
        "We removed 41 Facebook accounts, 13 Pages, five Groups, and 118 Instagram accounts.",
        "This network originated in Palestine and targeted Israel.",
    ]


def test_a_sentence_keeps_its_closing_quote_and_bracket():
    assert split_sentences(
        'The company said "we removed 30 accounts." Then the network went quiet. (It returned later.) It did.'
    ) == [
        'The company said "we removed 30 accounts."',
        "Then the network went quiet.",
        "(It returned later.)",
        "It did.",
    ]


def test_evidence_is_the_sentence_as_published_under_its_heading():
    r = report(
        f"<h2>Iran</h2><p>We removed 93 Facebook accounts, 14 Pages and 15 Groups for coordinated inauthentic behavior. {FILLER}</p>"
    )
    evidence = [e for n in r.networks for e in n.evidence]
    assert evidence == ["We removed 93 Facebook accounts, 14 Pages and 15 Groups for coordinated inauthentic behavior."]
    assert all(e in r.text for e in evidence)


def test_the_summary_has_no_heading_no_title_and_no_repeated_sentence():
    lead = "Today we are sharing three networks we took down for coordinated inauthentic behavior in Iran and Russia."
    r = report(
        f"<p>{lead}</p><p class='standfirst'>{lead} {FILLER}</p><h2>Iran</h2>"
        f"<p>We removed 93 Facebook accounts and 14 Pages for coordinated inauthentic behavior. {FILLER}</p>"
    )
    text = summary(r)
    assert text.count(lead) <= 1 and "Iran We" not in text and "networks we removed" not in text
    assert "We removed 93 Facebook accounts and 14 Pages for coordinated inauthentic behavior." in text


LEAD = "Today we removed 93 Facebook accounts and 14 Pages for coordinated inauthentic behavior in Iran."


def test_a_dateline_above_the_first_paragraph_is_its_own_block():
    r = report(f"<p class='date'>May 2, 2024</p><p>{LEAD} {FILLER}</p>")
    assert [e for n in r.networks for e in n.evidence] == [LEAD]  # was "May 2, 2024 Today we removed ..."
    text = summary(r)
    assert text.startswith(LEAD) and "2024" not in text
    assert text.count("Today we removed 93") == 1  # the key sentence was said twice, once with its dateline


def test_a_dateline_and_a_heading_in_a_row_stay_out_of_the_sentence_below():
    sentence = "Today, we removed 30 Facebook accounts and 12 Pages linked to individuals in Russia."
    r = report(f"<p>October 27, 2020</p><h2>What We Found</h2><p>{sentence} {FILLER}</p>")
    assert [e for n in r.networks for e in n.evidence] == [sentence]  # was "October 27, 2020 What We Found Today, ..."
    assert summary(r).startswith(sentence)


def test_html_paragraphs_never_share_a_sentence():
    found = [s.text for s in sentences(report(f"<p>Our investigators traced the network</p><p>{LEAD}</p>").text)]
    assert LEAD in found and not any("traced the network Today" in s for s in found)


def test_a_pdfs_heading_and_published_line_are_not_glued_to_its_first_sentence(tmp_path):
    from ..extract.test_extract import make_pdf

    heading = "Taking Down Coordinated Inauthentic Behavior Originating in the Islamic Republic of Iran"
    path = make_pdf(
        tmp_path / "r.pdf",
        [
            "Quarterly Threat Report",
            heading,
            "Published October 5, 2021",
            "We removed 93 Facebook accounts, 14 Pages and 15",
            "Groups for coordinated inauthentic behavior in Iran. The operators posted",
            "about regional politics in several languages.",
        ],
    )
    r = extract_report(
        path.read_bytes(),
        url="https://example.org/r.pdf",
        final_url="https://example.org/r.pdf",
        content_type="application/pdf",
    )
    evidence = "We removed 93 Facebook accounts, 14 Pages and 15 Groups for coordinated inauthentic behavior in Iran."
    assert [e for n in r.networks for e in n.evidence] == [evidence]
    text = summary(r)
    assert text.startswith(evidence) and "Published" not in text and "Taking Down" not in text


def test_a_page_title_is_not_a_sentence_for_technique_evidence(site_server, tmp_path):
    from archive.catalogue import Catalogue
    from scraper.config import load_config
    from scraper.stubs import store
    from scraper.techniques.decisions import texts_of_stub
    from scraper.techniques.quotes import quoted_sentences

    from .test_queue import PLATFORM_REPORT, config, fetch

    cfg = config(tmp_path)
    site_server.set("/news/2021/10/report/", PLATFORM_REPORT)
    stub_id = fetch(cfg, site_server.url("/news/2021/10/report/"))["stub_id"]
    catalogue = Catalogue(load_config(str(cfg)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            [text] = texts_of_stub(s, store.get_stub(s, stub_id))
    finally:
        catalogue.dispose()
    quoted = quoted_sentences(text)
    assert "September 2021 Coordinated Inauthentic Behavior Report" not in quoted
    assert any(q.startswith("We removed 93 Facebook accounts") for q in quoted)
