"""Runs CLI commands one after another in THIS process and reports each one's peak memory.

Started by test_hostile.py as a separate process (so the test runner's own
memory does not count): it reads a JSON list of cases on stdin, and for each
resets the kernel's peak-RSS mark (`/proc/self/clear_refs`, value 5), runs the
`takedowns` command line in-process, reads the new peak (`VmHWM` in
/proc/self/status), then runs `archive verify` on the case's data folder, and
prints one JSON line per case. Importing the tool once keeps ~35 cases cheap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from scraper.cli import cli


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    runner = CliRunner()
    for case in json.load(sys.stdin):
        _reset_peak()
        result = runner.invoke(cli, case["args"], catch_exceptions=True)
        peak = _peak_mb()
        crash = repr(result.exception) if result.exception and not isinstance(result.exception, SystemExit) else None
        verify = runner.invoke(cli, ["archive", "verify", "--config", case["config"]], catch_exceptions=True)
        line = {
            "name": case["name"],
            "exit_code": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "crash": crash,
            "peak_rss_mb": peak,
            "verify_exit": verify.exit_code,
            "verify_output": verify.stdout + verify.stderr,
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
