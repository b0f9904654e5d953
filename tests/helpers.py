"""Assertions shared by test modules (imported directly, not through conftest)."""

from __future__ import annotations

import re

# A log line as the text formatter writes it: "2026-01-01T00:00:00Z warning ...".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (debug|info|warning|error|critical)\s")


def message_lines(stderr: str) -> list[str]:
    """stderr without log lines (retries are logged at the default verbosity)."""
    return [line for line in stderr.splitlines() if line.strip() and not LOG_LINE.match(line)]


def assert_one_line_error(result, *fragments: str) -> str:
    """Non-zero exit, exactly one `error: ...` line, no traceback; returns the line."""
    assert result.exit_code != 0, result.stdout
    lines = message_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
