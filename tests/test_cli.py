"""The command line as a demanding user meets it: global options anywhere, --json
errors, lower-case `error:`, zoned timestamps, quiet broken pipes, visible retries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from scraper.cli import hoist_global_options

from .conftest import REPO, make_config, run_cli
from .helpers import LOG_LINE, assert_one_line_error, message_lines


def test_global_options_are_hoisted_from_anywhere():
    args = ["fetch", "URL", "-vv", "--log-format", "json", "--config=x.toml", "--json", "--", "-v"]
    assert hoist_global_options(args) == [
        "-vv",
        "--log-format",
        "json",
        "--config=x.toml",
        "fetch",
        "URL",
        "--json",
        "--",
        "-v",
    ]


def test_verbose_log_format_and_config_after_the_command(site_server, tmp_path):
    cfg = make_config(tmp_path)
    site_server.set(
        "/r.html",
        "<html><head><title>R</title></head><body><article><p>"
        + "A report on removed accounts. " * 30
        + "</p></article></body></html>",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "fetch",
            site_server.url("/r.html"),
            "--ignore-robots",
            "--json",
            "-v",
            "--log-format",
            "json",
            "--config",
            str(cfg),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == "R"
    logs = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    assert logs and any(entry["level"] == "info" for entry in logs), "-v after the command raised the level"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"]) for entry in logs)


def test_errors_are_json_on_stdout_under_json(config_path):
    result = run_cli("fetch", "ftp://example.org/x", "--json", "--config", config_path)
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": "unsupported URL 'ftp://example.org/x': only http:// and https:// URLs can be fetched",
        "exit_code": 2,
    }
    assert_one_line_error(result, "unsupported URL")


def test_usage_errors_are_one_lower_case_line_and_json_too(config_path):
    missing = run_cli("stubs", "show", "--json", "--config", config_path)
    line = assert_one_line_error(missing, "Missing argument", "stubs show --help`")
    assert missing.exit_code == 2 and json.loads(missing.stdout)["error"] == line.removeprefix("error: ")
    unknown = run_cli("frobnicate")
    assert_one_line_error(unknown, "No such command 'frobnicate'")
    bad_global = run_cli("--log-format", "xml", "captures")
    assert_one_line_error(bad_global, "--log-format")


def test_every_command_takes_json():
    from scraper.cli import cli

    def walk(group, path):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, [*path, name])
            else:
                yield [*path, name], command

    missing = [" ".join(path) for path, command in walk(cli, []) if not any("--json" in p.opts for p in command.params)]
    assert not missing, f"commands without --json: {missing}"


def test_eval_takes_v_after_the_command(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "x",
                "text": "We removed 12 Facebook accounts and 3 Pages.",
                "networks": [{"counts": {"facebook_accounts": 12}}],
            }
        )
        + "\n"
    )
    result = run_cli("eval", gold, "-v")
    assert result.exit_code == 0, result.stderr
    assert "x: false counts: [('facebook_pages', 3)]" in result.stdout
    assert "false counts" not in run_cli("eval", gold).stdout
    assert "-V" not in run_cli("eval", "--help").stdout


def test_retries_are_visible_at_default_verbosity(site_server, config_path):
    site_server.set("/flaky", "<html>busy</html>", status=503)
    result = run_cli("fetch", site_server.url("/flaky"), "--config", config_path)
    retries = [line for line in result.stderr.splitlines() if LOG_LINE.match(line)]
    assert retries and all("warning" in line and "retrying in" in line for line in retries), result.stderr
    assert all(line.count(site_server.url("/flaky")) == 1 for line in retries), "the URL appears once per line"
    assert len(message_lines(result.stderr)) == 1


def test_sources_into_a_closed_pipe_exits_quietly(tmp_path):
    cfg = make_config(
        tmp_path, "".join(f'\n[sources.s{i}]\nkind = "feed"\nurl = "https://example.org/{i}"\n' for i in range(50))
    )
    read, write = os.pipe()
    os.close(read)  # like `| head` that has already gone away
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scraper", "sources", "--config", str(cfg)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        os.close(write)
    assert "Traceback" not in proc.stderr and "error" not in proc.stderr.lower(), proc.stderr
    assert proc.returncode in (0, 1)


def test_json_timestamps_carry_a_zone(site_server, tmp_path):
    cfg = make_config(tmp_path, f'\n[sources.news]\nkind = "feed"\nurl = "{site_server.url("/feed.xml")}"\n')
    site_server.set(
        "/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
        content_type="application/rss+xml",
    )
    run_cli("poll", "--config", cfg)
    [row] = json.loads(run_cli("sources", "--json", "--config", cfg).stdout)
    assert row["last_poll"].endswith("Z"), row


def test_text_tables_have_header_rows(site_server, tmp_path):
    cfg = make_config(tmp_path, f'\n[sources.news]\nkind = "feed"\nurl = "{site_server.url("/feed.xml")}"\n')
    site_server.set(
        "/r.html",
        "<html><head><title>R</title></head><body><article><p>"
        + "A report on removed accounts. " * 30
        + "</p></article></body></html>",
    )
    assert run_cli("fetch", site_server.url("/r.html"), "--config", cfg).exit_code == 0
    captures = run_cli("captures", "--config", cfg).stdout.splitlines()
    assert captures[0].split() == ["id", "fetched", "(UTC)", "status", "kind", "sha256", "seen", "url"]
    assert captures[1].split()[-1] == site_server.url("/r.html")
    sources = run_cli("sources", "--config", cfg).stdout.splitlines()
    assert sources[0].split() == ["source", "kind", "schedule", "enabled", "last", "poll", "items"]
    assert sources[1].split()[:4] == ["news", "feed", "6h", "yes"]
    status = run_cli("status", "--config", cfg).stdout.splitlines()
    assert any(line.startswith("source ") and "health" in line for line in status)


def _stderr_on_a_terminal(*args: str) -> tuple[int, bytes]:
    """Run `takedowns ARGS` with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scraper", *args],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"},
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    return proc.returncode, seen


def test_long_work_shows_progress_on_a_terminal_only(site_server, tmp_path):
    """poll, reextract --all, archive verify and stubs export: a rich line on a TTY, nothing when piped."""
    report = (
        "<html><head><title>CIB report</title></head><body><article><p>"
        + "We removed 41 Facebook accounts for coordinated inauthentic behavior. " * 8
        + "</p></article></body></html>"
    )
    site_server.set("/r.html", report)
    site_server.set(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><link>http://x/</link><item><title>CIB report</title><link>{site_server.url("/r.html")}</link><description>coordinated inauthentic behavior</description></item></channel></rss>',
        content_type="application/rss+xml",
    )
    cfg = make_config(tmp_path)
    cfg.write_text(cfg.read_text() + f'\n[sources.news]\nkind = "feed"\nurl = "{site_server.url("/feed.xml")}"\n')
    commands = {
        "fetching": ("poll",),
        "re-extracting": ("reextract", "--all"),
        "checking": ("archive", "verify", "--all"),  # --all: the piped run before it leaves nothing changed
        "preparing": ("stubs", "export", "--format", "md", "-o", str(tmp_path / "out")),
    }
    for words, args in commands.items():
        piped = run_cli(*args, "--config", cfg)
        assert piped.exit_code == 0, (args, piped.stderr)
        assert words not in piped.stderr and "\x1b[" not in piped.stderr, args
    assert json.loads(run_cli("stubs", "list", "--config", cfg, "--json").stdout), "a stub to export"
    for words, args in commands.items():
        code, seen = _stderr_on_a_terminal(*args, "--config", str(cfg))
        assert code == 0, (args, seen)
        assert words.encode() in seen, (args, seen)
