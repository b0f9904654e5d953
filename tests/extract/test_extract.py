"""Extraction: the gold sets through the real `eval` CLI, documents of every kind, bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fpdf import FPDF

from scraper.extract import extract_report
from scraper.extract.dates import choose_date, date_from_url

from ..conftest import SHARED, TESTS, run_cli

CASES = TESTS / "extract" / "cases.jsonl"
STUDY = TESTS / "extract" / "study.jsonl"  # own sentences modelled on news, research, TAG retellings, disclosures
STUDY_FRESH = TESTS / "extract" / "study_fresh.jsonl"  # written after the grammar, to check it generalises
STUDY_ROUND3 = TESTS / "extract" / "study_round3.jsonl"  # issue 27's error classes on set 3, in own words
# written after the round-3 rules and scored once (counts F1 0.971, origin 0.978, targets 0.960), then three rules came from its misses
STUDY_ROUND3_FRESH = TESTS / "extract" / "study_round3_fresh.jsonl"
# a second such set, written after those three rules: first score counts 1.000, origin 0.944, targets 0.966 (main: 0.792,
# 0.848, 0.929); two rules came from its misses (a qualifier shared by a list, "a government-linked operation in X")
STUDY_ROUND3_FRESH2 = TESTS / "extract" / "study_round3_fresh2.jsonl"
# a third, written after those: first score counts F1 0.833 (main 0.792), origin 0.933, targets 0.889, followers R 0; four rules
# came from its misses (see docs/phrasing.md); its X post was left out: a blog.x.com page is not in the org table
STUDY_ROUND3_FRESH3 = TESTS / "extract" / "study_round3_fresh3.jsonl"
# a fourth (regional news, research, a TAG retelling, a negative): first score counts F1 0.974 (main 0.821), origin 0.667
# (0.667), targets 0.667 (0.667); five origin/target rules came from its misses
STUDY_ROUND3_FRESH4 = TESTS / "extract" / "study_round3_fresh4.jsonl"
# a fifth, on places only: first score origin 0.778 (main 0.706), targets 0.966 (0.889); three rules came from its misses
STUDY_ROUND3_FRESH5 = TESTS / "extract" / "study_round3_fresh5.jsonl"


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


# The goals for held-out real text, used as floors: a change may cost a pair on
# one set if it gains on real text, but never drop a set below what curators need.
COUNTS_F1, COUNTS_P, KIND_RECALL, ORIGIN_F1, TARGETS_F1, FOLLOWERS_P = 0.95, 0.97, 0.90, 0.90, 0.85, 0.95


def eval_json(path: Path) -> dict:
    result = run_cli("eval", path, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "gold",
    [
        SHARED / "gold" / "dev.jsonl",
        CASES,
        STUDY,
        STUDY_FRESH,
        STUDY_ROUND3_FRESH,
        STUDY_ROUND3_FRESH2,
        STUDY_ROUND3_FRESH3,
        STUDY_ROUND3_FRESH4,
        STUDY_ROUND3_FRESH5,
    ],
    ids=[
        "dev",
        "cases",
        "study",
        "study-fresh",
        "round3-fresh",
        "round3-fresh2",
        "round3-fresh3",
        "round3-fresh4",
        "round3-fresh5",
    ],
)
def test_eval_gold_sets_stay_above_the_goals(gold):
    report = eval_json(gold)
    scores = report["scores"]
    assert scores["counts"]["f1"] >= COUNTS_F1 and scores["counts"]["precision"] >= COUNTS_P, scores["counts"]
    assert scores["origin"]["f1"] >= ORIGIN_F1 and scores["targets"]["f1"] >= TARGETS_F1, (
        scores["origin"],
        scores["targets"],
    )
    assert scores["followers"]["precision"] >= FOLLOWERS_P and scores["ad_spend"]["precision"] >= FOLLOWERS_P
    for kind, score in report["counts_by_kind"].items():
        assert score["recall"] >= KIND_RECALL, (kind, score)


def test_round3_classes_counts_meet_the_goals():
    """Issue 27's error classes, written as whole documents after the rules: counts and followers meet the goals
    (origin stays below: an origin named once in a lead for several networks is not carried to each)."""
    report = eval_json(STUDY_ROUND3)
    scores = report["scores"]
    assert scores["counts"]["f1"] >= COUNTS_F1 and scores["counts"]["precision"] >= COUNTS_P, scores["counts"]
    assert scores["followers"]["precision"] >= FOLLOWERS_P and scores["targets"]["f1"] >= TARGETS_F1
    for kind, score in report["counts_by_kind"].items():
        assert score["recall"] >= KIND_RECALL, (kind, score)


def test_eval_prints_counts_by_kind_when_the_gold_says_the_kind(tmp_path):
    gold = tmp_path / "gold.jsonl"
    lines = [
        {
            "id": "a",
            "kind": "news",
            "text": "Meta said it removed 12 Facebook accounts.",
            "networks": [{"counts": {"facebook_accounts": 12}}],
        },
        {
            "id": "b",
            "kind": "research",
            "text": "Twitter suspended 40 accounts.",
            "networks": [{"counts": {"twitter_accounts": 40, "twitter_groups": 1}}],
        },
    ]
    gold.write_text("".join(json.dumps(x) + "\n" for x in lines))
    result = run_cli("eval", gold)
    assert "counts by kind: news P=1.000 R=1.000, research P=1.000 R=0.500" in result.stdout
    assert last_line(result.stdout) == "counts P=1.000 R=0.667 F1=0.800"


def test_eval_verbose_lists_misses_and_false_hits(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "x",
                "text": "We removed 12 Facebook accounts and 3 Pages.",
                "networks": [{"counts": {"facebook_accounts": 12, "facebook_groups": 4}}],
            }
        )
        + "\n"
    )
    result = run_cli("eval", gold, "--verbose")
    assert "x: missed counts: [('facebook_groups', 4)]" in result.stdout
    assert "x: false counts: [('facebook_pages', 3)]" in result.stdout
    assert last_line(result.stdout) == "counts P=0.500 R=0.500 F1=0.500"


def test_eval_malformed_line_names_file_and_line_and_goes_on(tmp_path):
    gold = tmp_path / "gold.jsonl"
    good = json.dumps(
        {"id": "ok", "text": "We removed 5 Facebook accounts.", "networks": [{"counts": {"facebook_accounts": 5}}]}
    )
    gold.write_text(good + "\n{not json\n" + json.dumps({"id": "nofile", "path": "missing.html"}) + "\n")
    result = run_cli("eval", gold)
    assert result.exit_code != 0
    assert f"{gold}:2: not valid JSON" in result.stderr
    assert f"{gold}:3: cannot read its document" in result.stderr
    assert last_line(result.stdout) == "counts P=1.000 R=1.000 F1=1.000"


def test_eval_missing_gold_file(tmp_path):
    result = run_cli("eval", tmp_path / "nope.jsonl")
    assert result.exit_code != 0 and result.stderr.startswith("error: gold file")


def test_extract_seed_press_release_evidence():
    result = run_cli(
        "extract",
        SHARED / "seeds" / "press-release-facebook-iran-takedown-2021.txt",
        "--json",
        "--url",
        "https://www.einpresswire.com/article/554018908",
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["org"] == "EIN Presswire" and report["platform"] == "Meta"
    assert report["pub_date"] == "2021-10-17" and report["date_source"] == "dateline"
    [network] = report["networks"]
    assert network["counts"] == {
        "facebook_accounts": 93,
        "instagram_accounts": 194,
        "facebook_pages": 14,
        "facebook_groups": 15,
    }
    assert network["origin"] == ["Iran"]
    assert any("93 Facebook accounts and 194 Instagram accounts had been removed" in e for e in network["evidence"])


def test_extract_meta_network_summary_markdown():
    path = SHARED / "fixtures" / "meta-threat-research" / "meta-h2-2025-moldova-based-cib-network.md"
    report = extract_report(
        path.read_bytes(),
        url="https://github.com/facebook/threat-research/blob/main/indicators/x.md",
        content_type="text/plain",
    )
    [n] = report.networks
    assert n.counts == {"facebook_accounts": 15, "facebook_pages": 6, "facebook_groups": 7, "instagram_accounts": 4}
    assert n.followers == {"facebook_pages": 6300, "facebook_groups": 27400, "instagram_accounts": 119400}
    assert n.ad_spend_usd == 300 and n.origin == ["Moldova"] and n.targets == ["Moldova"]
    assert report.title.startswith("Indicators of Compromise: Moldova-Based")


def test_qualifiers_are_kept_and_flagged():
    report = extract_report(
        b"We took down about 1,000 Facebook accounts and more than two dozen Pages.",
        url="https://about.fb.com/news/2022/08/x/",
        content_type="text/plain",
    )
    [n] = report.networks
    assert n.counts == {"facebook_accounts": 1000, "facebook_pages": 24}
    assert sorted(n.approximate) == ["facebook_accounts", "facebook_pages"]


def make_pdf(path: Path, lines: list[str], *, title: str = "", author: str = "") -> Path:
    pdf = FPDF()
    pdf.set_title(title) if title else None
    pdf.set_author(author) if author else None
    pdf.set_creation_date(
        __import__("datetime").datetime(2021, 12, 1, 12, 0, tzinfo=__import__("datetime").timezone.utc)
    )
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_report_text_title_authors_counts_across_line_breaks(tmp_path):
    path = make_pdf(
        tmp_path / "report.pdf",
        [
            "Adversarial Threat Report",
            "By Ben Nimmo, David Agranovich and Margarita Franklin",
            "December 2021",
            "We removed 41 Facebook ac-",
            "counts, 13 Pages, five Groups, and 118 Instagram",
            "accounts. This network originated in Palestine",
            "and targeted Israel.",
        ],
        author="Ben Nimmo, David Agranovich, Margarita Franklin",
    )
    report = extract_report(
        path.read_bytes(),
        url="https://about.fb.com/wp-content/uploads/2021/12/Metas-Adversarial-Threat-Report.pdf",
        content_type="application/pdf",
        orgs={"about.fb.com": "Meta"},
    )
    assert report.title == "Adversarial Threat Report"
    assert report.authors == ["Ben Nimmo", "David Agranovich", "Margarita Franklin"]
    assert report.pub_date == date(2021, 12, 1) and report.org == "Meta"
    [n] = report.networks
    assert n.counts == {"facebook_accounts": 41, "facebook_pages": 13, "facebook_groups": 5, "instagram_accounts": 118}
    assert n.origin == ["Palestine"] and n.targets == ["Israel"]


def test_pdf_authors_from_title_page_when_metadata_has_none(tmp_path):
    path = make_pdf(
        tmp_path / "r.pdf", ["Spamouflage Report", "By Jane Doe and John Roe", "We removed 5 Facebook accounts."]
    )
    report = extract_report(path.read_bytes(), url="file:///r.pdf", content_type="application/pdf")
    assert report.authors == ["Jane Doe", "John Roe"]


@pytest.mark.parametrize(
    "name,payload,fragment",
    [
        ("empty.txt", b"", "empty document"),
        ("corrupt.pdf", b"%PDF-1.7\n1 0 obj<<>>garbage", "cannot read the PDF"),
        ("binary.bin", bytes(range(256)) * 4, "not an HTML, PDF, text or Markdown document"),
        ("blank.html", b"<html><head><title>x</title></head><body><nav>menu</nav></body></html>", "no article text"),
    ],
)
def test_bad_documents_get_one_line_errors(tmp_path, name, payload, fragment):
    path = tmp_path / name
    path.write_bytes(payload)
    result = run_cli("extract", path)
    assert result.exit_code != 0
    assert (
        result.stderr.startswith("error: ")
        and fragment in result.stderr
        and len(result.stderr.strip().splitlines()) == 1
    )


def test_encrypted_pdf_is_refused_clearly(tmp_path):
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, "We removed 5 Facebook accounts.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    result = run_cli("extract", path)
    assert result.exit_code != 0 and "encrypted" in result.stderr


def test_extract_missing_file():
    result = run_cli("extract", "/no/such/file.html")
    assert result.exit_code != 0 and "no such file" in result.stderr


def test_date_precedence_metadata_url_dateline_guess():
    url = "https://about.fb.com/news/2020/09/removing-cib/"
    assert date_from_url(url).month == 9
    # metadata agreeing with the URL wins
    assert choose_date(url=url, metadata=date(2020, 9, 22), dateline=date(2020, 9, 1))[:2] == (
        date(2020, 9, 22),
        "metadata",
    )
    # metadata that disagrees (an "updated" date) is skipped for the next agreeing source, with a warning
    chosen, source, warnings = choose_date(url=url, metadata=date(2024, 6, 18), dateline=date(2020, 9, 21))
    assert (chosen, source) == (date(2020, 9, 21), "dateline") and "disagrees" in warnings[0]
    # a full URL date beats a dateline
    assert choose_date(url="https://x.org/2019/01/31/post/", dateline=date(2019, 1, 2))[:2] == (
        date(2019, 1, 31),
        "url",
    )
    # without a URL date: dateline, then the guess
    assert choose_date(url="https://x.org/post", guessed=date(2018, 5, 5))[:2] == (date(2018, 5, 5), "htmldate")
    assert choose_date(url="https://x.org/post")[:2] == (None, None)


def test_fetch_pdf_report_end_to_end(site_server, config_path, tmp_path):
    pdf = make_pdf(
        tmp_path / "threat.pdf", ["Threat Report", "We removed 12 Facebook accounts and 3 Pages."], author="Ben Nimmo"
    )
    site_server.set("/wp-content/uploads/2021/12/threat.pdf", pdf.read_bytes(), content_type="application/pdf")
    result = run_cli(
        "fetch", site_server.url("/wp-content/uploads/2021/12/threat.pdf"), "--config", config_path, "--json"
    )
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["content_type"] == "application/pdf" and out["title"] == "Threat Report"
    assert out["authors"] == ["Ben Nimmo"] and out["pub_date"] == "2021-12-01"
    assert out["networks"][0]["counts"] == {"facebook_accounts": 12, "facebook_pages": 3}


def test_reextract_reports_changes(site_server, config_path):
    site_server.root = site_server.root / "wire"
    url = site_server.url("/article/554018908.html")
    assert run_cli("fetch", url, "--config", config_path).exit_code == 0
    result = run_cli("reextract", "--all", "--config", config_path, "--json")
    assert result.exit_code == 0, result.stderr
    [change] = json.loads(result.stdout)
    assert change["url"] == url and change["changed"] == []
    extracted = run_cli("extract", url, "--json", "--config", config_path)
    assert extracted.exit_code == 0, extracted.stderr
    assert json.loads(extracted.stdout)["networks"][0]["counts"]["instagram_accounts"] == 194


def test_extract_json_text_includes_the_clean_text_of_a_stored_capture(site_server, config_path):
    site_server.root = site_server.root / "wire"
    url = site_server.url("/article/554018908.html")
    assert run_cli("fetch", url, "--config", config_path).exit_code == 0
    without = json.loads(run_cli("extract", url, "--json", "--config", config_path).stdout)
    assert "text" not in without
    result = run_cli("extract", url, "--json", "--text", "--config", config_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["text"]) == report["text_chars"] == without["text_chars"] > 0
    assert "93 Facebook accounts" in report["text"] and "<" not in report["text"]


def test_extract_json_carries_confidence_beside_the_gold_shapes(tmp_path):
    path = tmp_path / "retelling.txt"
    path.write_text(
        "Twitter suspends accounts in three countries\n\n"
        "Twitter suspended 564 accounts linked to governments in three countries: 212 from Egypt, 47 from Kenya and 305 from Peru.\n",
        encoding="utf-8",
    )
    result = run_cli("extract", path, "--json", "--url", "https://www.example-news.org/2026/12/three/")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"] == {"twitter_accounts": 564} and report["totals_confidence"] == {"twitter_accounts": "high"}
    egypt = report["networks"][0]
    assert (egypt["counts"], egypt["origin"]) == ({"twitter_accounts": 212}, ["Egypt"])
    assert egypt["confidence"] == {"counts": {"twitter_accounts": "check"}, "origin": {"Egypt": "high"}}
    assert egypt["checks"] == {"counts": {"twitter_accounts": ["asset noun understood from earlier in the sentence"]}}
    # the gold comparison reads only the gold-shaped fields: this Report scores against its own labels
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "three",
                "url": "https://www.example-news.org/2026/12/three/",
                "text": path.read_text(),
                "networks": [{k: n[k] for k in ("origin", "targets", "counts")} for n in report["networks"]],
                "totals": report["totals"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert eval_json(gold)["scores"]["counts"]["f1"] == 1.0
