"""The settings registry: one declaration per setting, typos refused with a hint,
config.toml in step with it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from archive.settings import WaybackSettings
from scraper.config import HttpSettings, load_config
from scraper.daemon.settings import DaemonSettings, daemon_settings
from scraper.extract.pdf_worker import PdfLimits
from scraper.schedule import parse_schedule
from scraper.settings import OPEN_SECTIONS, REGISTRY, SECTIONS, SETTINGS, _setting
from scraper.stubs.settings import StubSettings

from .conftest import REPO, run_cli
from .helpers import assert_one_line_error

SHIPPED = REPO / "config.toml"


def _table(raw: dict, dotted: str) -> dict:
    for part in dotted.split("."):
        raw = raw.get(part, {})
    return raw


def assert_config_error(cfg: Path, *fragments: str) -> str:
    return assert_one_line_error(run_cli("captures", "--config", cfg), *fragments)


def test_shipped_config_documents_every_setting_with_its_default():
    raw = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    missing, wrong = [], []
    for s in SETTINGS:
        table = _table(raw, s.section)
        if s.name not in table:
            missing.append(s.key)
        elif table[s.name] != s.default or type(table[s.name]) is not type(s.default):
            wrong.append(f"{s.key} = {table[s.name]!r}, registry default {s.default!r}")
    assert not missing, f"config.toml does not document: {missing}"
    assert not wrong, f"config.toml shows a default that is not the registry's: {wrong}"
    load_config(str(SHIPPED))  # and nothing in it is unknown


def test_shipped_config_comments_every_setting():
    """Each registered key has a comment on its line or on the lines just above
    its group of keys."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    section = ""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]")
            continue
        key = stripped.split("=")[0].strip()
        if "=" not in stripped or stripped.startswith("#") or key not in REGISTRY.get(section, {}):
            continue
        j = i
        while "#" not in lines[j] and j > 0 and "=" in lines[j]:
            j -= 1
        assert lines[j].lstrip().startswith("#") or j == i, (
            f"config.toml line {i + 1} ([{section}] {key}) has no comment"
        )


@pytest.mark.parametrize(
    "section,typo,hint",
    [
        ("data", "dirr", "'dir'"),
        ("http", "user_agnet", "'user_agent'"),
        ("stubs", "disarm_mastr", "'disarm_master'"),
        ("archive.wayback", "enabeld", "'enabled'"),
        ("daemon", "grace_second", "'grace_seconds'"),
    ],
)
def test_unknown_key_is_an_error_with_a_hint(tmp_path, section, typo, hint):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[{section}]\n{typo} = "x"\n')
    line = assert_config_error(cfg, f"[{section}] has no setting '{typo}'", f"did you mean {hint}?")
    assert str(cfg) in line


@pytest.mark.parametrize(
    "text,fragment",
    [
        ('[dat]\ndir = "x"\n', "unknown section [dat]; did you mean 'data'?"),
        ("[archive.waybak]\nenabled = true\n", "unknown section [archive.waybak]; did you mean 'archive.wayback'?"),
        ("[nothing_like_it]\nx = 1\n", "unknown section [nothing_like_it] (known sections:"),
        ('user_agent = "x"\n', "'user_agent' is outside any section; did you mean 'user_agent'?"),
        ("http = 3\n", "[http] must be a table"),
    ],
)
def test_unknown_section_is_an_error(tmp_path, text, fragment):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    assert_config_error(cfg, fragment)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("[http]\nmax_redirects = 'many'\n", "[http] max_redirects must be a non-negative whole number, got 'many'"),
        (
            "[http]\nper_host_concurrency = 0\n",
            "[http] per_host_concurrency must be a whole number of at least 1, got 0",
        ),
        ("[http]\nallow_private_networks = 1\n", "[http] allow_private_networks must be true or false, got 1"),
        ("[http]\nconnect_timeout = -1\n", "[http] connect_timeout must be a non-negative number"),
        ("[daemon]\nmisfire_fraction = 1.5\n", "[daemon] misfire_fraction must be a number from 0 to 1, got 1.5"),
        ('[daemon]\nhousekeeping = "99 * * * *"\n', "[daemon] housekeeping"),
        ('[daemon]\nhousekeeping = "soon"\n', "[daemon] housekeeping"),
        ('[stubs]\nid_prefix = "I"\n', "[stubs] id_prefix must not look like DISARM's I00000 ids"),
        ('[archive.wayback]\nweb_base = "web.archive.org"\n', "[archive.wayback] web_base must be an http(s) URL"),
        ('[stubs]\ndisarm_master = "nowhere/DISARM_DATA_MASTER.xlsx"\n', "[stubs] disarm_master: no such file"),
    ],
)
def test_bad_values_are_errors_naming_the_key(tmp_path, text, fragment):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    assert_config_error(cfg, fragment)


def test_disarm_master_resolves_against_the_config_folder(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "master.xlsx").write_bytes(b"placeholder")
    cfg = tmp_path / "conf" / "config.toml"
    cfg.write_text('[stubs]\ndisarm_master = "master.xlsx"\nfeed_file = "feed.atom"\n')
    monkeypatch.chdir(tmp_path)  # a relative path is not read against the working folder
    settings = StubSettings.from_config(load_config(str(cfg)))
    assert settings.disarm_master == (tmp_path / "conf" / "master.xlsx").resolve()
    assert settings.feed_path == (tmp_path / "conf" / "data" / "feed.atom")


def test_open_sections_take_any_keys(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[orgs]\n"example.org" = "Example"\n\n[sources.mine]\nkind = "feed"\nurl = "https://example.org/feed"\n'
    )
    config = load_config(str(cfg))
    assert config.orgs["example.org"] == "Example"
    assert set(OPEN_SECTIONS) == {"sources", "orgs"}


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_the_registry_is_read_off_the_dataclasses(section):
    """Each section's dataclass is the one declaration: its fields are the registry's keys, in order,
    and its defaults the registry's (as the code holds them; config.toml writes them as text)."""
    cls, declared = SECTIONS[section], REGISTRY[section]
    assert [f.name for f in fields(cls)] == list(declared)
    instance = cls()
    assert {name: getattr(instance, name) for name in declared} == {n: s.value for n, s in declared.items()}


def test_the_code_reads_the_registered_dataclasses():
    assert (HttpSettings, WaybackSettings, DaemonSettings, PdfLimits) == tuple(
        SECTIONS[s] for s in ("http", "archive.wayback", "daemon", "extract.pdf")
    )
    assert StubSettings().id_prefix == REGISTRY["stubs"]["id_prefix"].default


def test_a_settings_field_without_help_is_refused():
    @dataclass(frozen=True)
    class Undocumented:
        quiet: int = 3

    with pytest.raises(TypeError, match=r"\[nowhere\] quiet: a settings field needs a default and help"):
        _setting("nowhere", fields(Undocumented)[0], {"quiet": int})


def test_the_housekeeping_schedule_is_parsed_when_the_config_loads(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[daemon]\nhousekeeping = "0 */6 * * *"\n')
    settings = daemon_settings(load_config(str(cfg)))
    assert settings.housekeeping == parse_schedule("0 */6 * * *")
    assert settings.housekeeping.cron == "0 */6 * * *"
    assert DaemonSettings().housekeeping == parse_schedule(REGISTRY["daemon"]["housekeeping"].default)


def test_values_from_the_file_reach_the_dataclasses(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[http]\nretry_attempts = 7\nper_host_delay = 3\n\n[daemon]\ngrace_seconds = 5\n")
    config = load_config(str(cfg))
    assert config.http.retry_attempts == 7 and config.http.per_host_delay == 3.0
    assert isinstance(config.http.per_host_delay, float)
    assert config.section("daemon")["grace_seconds"] == 5.0
    assert config.http.max_redirects == REGISTRY["http"]["max_redirects"].default
