"""The suggester on report-like texts written here from DISARM's technique summaries."""

from __future__ import annotations

import pytest

from scraper.techniques.mappings import scrub, split_cell
from scraper.techniques.quotes import quoted_sentences

FILLER = "The company published its findings on Tuesday. Investigators shared the details with outside researchers."

CASES = [
    # (a text in the words of the technique's summary, not copied from it; the technique it shows)
    ("The operators ran several websites that posed as independent news outlets, publishing articles under the banner of a local newspaper.", "T0097.202"),
    ("Some accounts impersonated real journalists and well-known politicians, copying their names and profile photos to pass as them.", "T0143.003"),
    ("The network created fake personas with invented names, AI-generated profile pictures and made-up biographies.", "T0143.002"),
    ("Posts pointed users to a Telegram channel and an external website so that followers moved off the platform.", "T0122"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_technique_a_text_shows_is_suggested_with_its_sentence(model, text, expected):
    report = f"{FILLER}\n\n{text}\n\nThe accounts were removed."
    suggestions = model.suggest(report, top=5)
    ids = [s.technique_id for s in suggestions]
    assert expected in ids, ids
    hit = suggestions[ids.index(expected)]
    assert text in hit.sentences  # the sentence that shows it, quoted exactly
    for s in suggestions:
        assert s.sentences and all(q in report for q in s.sentences)
        assert s.name and s.score > 0


def test_scores_are_ranked_and_top_is_honoured(model):
    suggestions = model.suggest(CASES[0][0] + " " + CASES[1][0], top=3)
    assert len(suggestions) == 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_text_with_nothing_in_common_gives_no_unsupported_suggestion(model):
    assert model.suggest("", top=5) == []
    for s in model.suggest("Zxqv plorth wembly gastronautic frobnication quuxes.", top=5):
        assert s.sentences


def test_quotes_keep_the_reports_own_line_breaks():
    text = "We removed 40 accounts that\nposed as local   reporters in the region. Short one."
    [quote] = quoted_sentences(text)
    assert quote == "We removed 40 accounts that\nposed as local   reporters in the region."
    assert quote in text


def test_cell_split_separates_quote_from_curator_explanation(framework):
    cell = '<i>"The pages posed as a charity raising money for flood victims."</i><br><br>This shows a fake charity (T0097.207: NGO Persona, T0143.002: Fabricated Persona).'
    passage, explanation = split_cell(cell)
    assert passage == "The pages posed as a charity raising money for flood victims."
    assert "T0097.207" in explanation and "T0097" not in passage
    underscored = '_"Accounts claimed to be nurses."_ <br /> <br />This incident matches T0097.100: Individual Persona.'
    assert split_cell(underscored)[0] == "Accounts claimed to be nurses."


def test_scrub_removes_ids_and_names_but_not_ordinary_words(framework):
    text = "They used a Fabricated Persona (T0143.002: Fabricated Persona) and T0122 to share content on radio."
    out = scrub(text, framework)
    assert "T0143" not in out and "T0122" not in out and "Fabricated Persona" not in out
    assert "content" in out and "radio" in out
