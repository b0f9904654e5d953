"""Issue 32: source polls and browser renders as jobs. The elected scheduler (`run --poll-jobs`) queues a `poll`
job; a worker runs it (discovery, then one capture job per new item); a `render = true` source's items, and
`enqueue --render` URLs, are captured in Chromium by the worker. Real PostgreSQL, loopback sites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from scraper.fetch.browser import RenderSettings, render_unavailable

from ..conftest import make_config
from ..daemon.harness import publish, source_table

PAGES = 3


def _config(root: Path, pg: str, sources: str) -> Path:
    return make_config(root, "\n[daemon]\ngrace_seconds = 2.0\njitter_seconds = 0.0\n" + sources, catalogue=pg)


def _takedowns(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "-v", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=config.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _rows(pg_url: str, sql: str) -> list[tuple]:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _capture_jobs(pg_url: str) -> list[tuple[str, bool, str, str]]:
    """Waiting capture jobs: (url, render, source, queueing lock)."""
    rows = _rows(pg_url, "SELECT args, queueing_lock FROM procrastinate_jobs WHERE task_name = 'capture'")
    return sorted((a["url"], a["render"], a["source"], lock) for a, lock in rows)


def _poll_as_job(config: Path) -> None:
    """What the elected scheduler does with --poll-jobs (queue the poll, not run it), then a worker that runs
    only poll jobs: the capture jobs it queues stay waiting, to be counted."""
    said = _takedowns(config, "run", "--once", "--poll-jobs").stderr
    assert "poll queued as job" in said or "a poll job of this source is waiting" in said, said
    _takedowns(config, "worker", "--until-empty", "--queue", "polls")


def test_a_poll_job_queues_one_capture_job_per_new_item_and_none_twice(pg_url, site_server, tmp_path):
    urls = publish(site_server, n=PAGES)
    config = _config(tmp_path, pg_url, source_table("newsroom", site_server.url("/feed.xml"), "1h"))

    _poll_as_job(config)
    expected = sorted((u, False, "newsroom", u) for u in urls)
    assert _capture_jobs(pg_url) == expected
    assert _rows(pg_url, "SELECT count(*) FROM captures") == [(0,)]  # the scheduler polled nothing itself

    _poll_as_job(config)  # the same items again, their capture jobs still waiting: nothing queued twice
    assert _capture_jobs(pg_url) == expected

    _takedowns(config, "worker", "--until-empty")  # captures, stubs
    captured = _rows(pg_url, "SELECT url FROM captures")
    assert sorted(u for (u,) in captured) == sorted(urls)
    decisions = _rows(pg_url, "SELECT url, decision, capture_id IS NOT NULL FROM discovered_items")
    assert sorted(decisions) == sorted((u, "kept", True) for u in urls)
    assert _rows(pg_url, "SELECT count(*) FROM procrastinate_jobs") == [(0,)]
    cited = _rows(pg_url, "SELECT url FROM stub_references")
    assert sorted(u for (u,) in cited) == sorted(urls)

    urls = publish(site_server, n=PAGES + 1)  # one more item in the feed; the others are decided
    _takedowns(config, "run", "--once", "--poll-jobs")
    said = _takedowns(config, "worker", "--until-empty").stderr  # one worker: the poll, then what it queued
    assert f"1 capture job(s) queued, 0 already queued, {PAGES} decided before" in said, said
    assert sorted(u for (u,) in _rows(pg_url, "SELECT url FROM captures")) == sorted(urls)
    assert _rows(pg_url, "SELECT count(*) FROM procrastinate_jobs") == [(0,)]
    runs = _rows(pg_url, "SELECT source, outcome, items_found FROM source_runs ORDER BY id")
    # Recorded by the poll jobs, once each, not by the scheduler that queued them.
    assert runs == [("newsroom", "ok", PAGES)] * 2 + [("newsroom", "ok", PAGES + 1)]


needs_chromium = pytest.mark.skipif(
    render_unavailable(RenderSettings()) is not None, reason="chromium/playwright not installed"
)
SCRIPTED = """<html lang="en"><head><title>Scripted takedown</title></head>
<body><article id="a"><h1>Scripted takedown</h1></article>
<script>
const p = document.createElement('p');
p.textContent = 'Today we removed 41 Facebook accounts and 7 Instagram accounts for coordinated inauthentic'
  + ' behavior. The operators posed as local journalists and wrote about regional politics in several languages.';
document.getElementById('a').appendChild(p);
</script></body></html>"""


@needs_chromium
def test_render_jobs_capture_in_chromium_once(pg_url, site_server, tmp_path):
    """`enqueue --render` queues a capture the worker makes in Chromium (the counts exist only once the page's
    script ran); queued and run again, it stores one capture. A `render = true` source's poll job queues its
    items as render jobs."""
    site_server.set("/scripted", SCRIPTED)
    page = site_server.url("/scripted")
    urls = publish(site_server, n=1)
    sources = source_table("newsroom", site_server.url("/feed.xml"), "1h") + "render = true\n"
    config = _config(tmp_path, pg_url, sources)
    queued = _takedowns(config, "enqueue", "--render", "--json", page)
    assert json.loads(queued.stdout)[0]["job"] is not None
    said = _takedowns(config, "worker", "--until-empty").stderr
    assert f"rendered {page}: capture 1 (new)" in said, said
    assert _rows(pg_url, "SELECT url, rendered FROM captures") == [(page, True)]
    [(data,)] = _rows(pg_url, "SELECT data FROM reports")
    data = json.loads(data) if isinstance(data, str) else data
    assert {"facebook_accounts": 41, "instagram_accounts": 7} in [n["counts"] for n in data["networks"]]

    queued = _takedowns(config, "enqueue", "--render", "--json", page)  # the same job again (a second delivery)
    assert json.loads(queued.stdout)[0]["job"] is not None
    _poll_as_job(config)
    assert _capture_jobs(pg_url) == sorted(
        [(page, True, None, f"render:{page}"), (urls[0], True, "newsroom", f"render:{urls[0]}")]
    )
    said = _takedowns(config, "worker", "--until-empty").stderr
    assert f"rendered {page}: capture 1 (already stored)" in said, said
    assert sorted(_rows(pg_url, "SELECT url, rendered FROM captures")) == sorted([(page, True), (urls[0], True)])
    assert _rows(pg_url, "SELECT decision FROM discovered_items") == [("kept",)]
