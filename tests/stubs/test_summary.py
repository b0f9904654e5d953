"""Summaries and evidence read as published: headings apart, no repeats, closing quotes kept."""

from __future__ import annotations

from scraper.extract import extract_report
from scraper.extract.sentences import sentences, split_sentences
from scraper.stubs.content import summary

FILLER = "The operators posted about regional politics and criticised rival governments in several languages."


def report(text_html: str, title: str = "Our quarterly report on coordinated inauthentic behavior networks we removed"):
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{text_html}</article></body></html>"
    return extract_report(html.encode(), url="https://example.org/r", final_url="https://example.org/r", content_type="text/html")


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
    assert split_sentences('The company said "we removed 30 accounts." Then the network went quiet. (It returned later.) It did.') == [
        'The company said "we removed 30 accounts."', "Then the network went quiet.", "(It returned later.)", "It did.",
    ]


def test_evidence_is_the_sentence_as_published_under_its_heading():
    r = report(f"<h2>Iran</h2><p>We removed 93 Facebook accounts, 14 Pages and 15 Groups for coordinated inauthentic behavior. {FILLER}</p>")
    evidence = [e for n in r.networks for e in n.evidence]
    assert evidence == ["We removed 93 Facebook accounts, 14 Pages and 15 Groups for coordinated inauthentic behavior."]
    assert all(e in r.text for e in evidence)


def test_the_summary_has_no_heading_no_title_and_no_repeated_sentence():
    lead = "Today we are sharing three networks we took down for coordinated inauthentic behavior in Iran and Russia."
    r = report(f"<p>{lead}</p><p class='standfirst'>{lead} {FILLER}</p><h2>Iran</h2>"
               f"<p>We removed 93 Facebook accounts and 14 Pages for coordinated inauthentic behavior. {FILLER}</p>")
    text = summary(r)
    assert text.count(lead) <= 1 and "Iran We" not in text and "networks we removed" not in text
    assert "We removed 93 Facebook accounts and 14 Pages for coordinated inauthentic behavior." in text
