"""The source-kinds registry: a kind is one module's `register(Kind(...))`, usable end to end."""

from __future__ import annotations

import json

import pytest

from scraper.discover import kinds
from scraper.discover.candidate import Candidate, ShapeError

from ..conftest import run_cli
from .test_sources import cfg_with, poll, report


async def _discover_lines(source, get) -> list[Candidate]:
    """A toy kind: a plain-text page listing one report URL per line, `#` starting a comment."""
    text = (await get(source.url)).decode()
    prefix = source.option("comment", "#")
    urls = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(prefix)]
    if not urls:
        raise ShapeError("the list holds no URLs")
    return [Candidate(url, f"line {i}") for i, url in enumerate(urls, 1)]


@pytest.fixture
def lines_kind():
    kind = kinds.register(
        kinds.Kind(
            "url_lines",
            "a text page of URLs",
            _discover_lines,
            options={"comment": kinds.Option(str, "prefix of comment lines")},
        )
    )
    yield kind
    kinds.unregister(kind.name)


def test_builtin_kinds_are_registered_from_their_modules():
    assert set(kinds.names()) >= {"feed", "sitemap", "listing", "series", "github_index", "embedded_json", "wayback"}
    assert set(kinds.get("listing").options) == {"selector", "next_selector", "max_pages"}
    assert kinds.get("wayback").polled is False


def test_a_kind_registered_in_a_test_polls_end_to_end(site_server, tmp_path, lines_kind):
    site_server.set("/r/1/", report("Coordinated inauthentic behavior report", 41))
    site_server.set("/r/2/", report("Second coordinated inauthentic behavior report", 9))
    site_server.set(
        "/list.txt",
        f"% our reports\n{site_server.url('/r/1/')}\n{site_server.url('/r/2/')}\n",
        content_type="text/plain",
    )
    cfg = cfg_with(
        tmp_path, f'[sources.plain]\nkind = "url_lines"\nurl = "{site_server.url("/list.txt")}"\ncomment = "%"\n'
    )
    result = poll(cfg)
    assert result.exit_code == 0, result.stderr
    [r] = json.loads(result.stdout)
    assert (r["items_found"], r["fetched"], r["kept"]) == (2, 2, 2)
    [listed] = json.loads(run_cli("sources", "--config", cfg, "--json").stdout)
    assert (listed["kind"], listed["items_found"]) == ("url_lines", 2)
    site_server.set("/list.txt", "% nothing yet\n", content_type="text/plain")
    failed = poll(cfg)
    assert failed.exit_code != 0 and "the list holds no URLs" in json.loads(failed.stdout)[0]["source_error"]


def test_a_registered_kind_disappears_from_config_checks_when_removed(tmp_path, lines_kind):
    cfg = cfg_with(tmp_path, '[sources.plain]\nkind = "url_lines"\nurl = "http://x/"\n')
    assert run_cli("sources", "--config", cfg).exit_code == 0
    kinds.unregister("url_lines")
    result = run_cli("sources", "--config", cfg)
    assert (
        result.exit_code == 2
        and "kind must be one of" in result.stderr
        and "url_lines" not in result.stderr.split("got")[0]
    )


@pytest.mark.parametrize(
    "table,expected",
    [
        (
            'kind = "listing"\nurl = "http://x/"\nselectr = "a.report"\n',
            "unknown key 'selectr' for kind listing; did you mean 'selector'?",
        ),
        ('kind = "listing"\nurl = "http://x/"\nmax_pages = "5"\n', "max_pages must be an integer"),
        ('kind = "feed"\nurl = "http://x/"\nselector = "a"\n', "unknown key 'selector' for kind feed"),
        ('kind = "fede"\nurl = "http://x/"\n', "did you mean 'feed'?"),
        ('kind = "series"\ntemplate = "http://x/report.pdf"\n', "template must contain {quarter}/{year}"),
    ],
)
def test_source_options_are_checked_against_the_kinds_declaration(tmp_path, table, expected):
    cfg = cfg_with(tmp_path, "[sources.x]\n" + table)
    result = run_cli("sources", "--config", cfg)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "[sources.x]" in lines[0] and expected in lines[0], lines[0]
