"""Errors as the desk words them: the review state machine speaks to the command line
(`--reason`, `takedowns stubs reopen X`); on a web page the same refusal names the field
or button to use instead."""

from __future__ import annotations

import re

# (pattern in a CLI-worded message, the desk's wording), applied in order
_DESK_WORDING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"give a reason: --reason '\.\.\.'"), "give a reason: write why in the Reason box"),
    (re.compile(r"--disarm-id must look like"), "the DISARM id must look like"),
    (
        re.compile(r"`takedowns stubs (?:reopen|unmerge) ([^`]+)` first"),
        r"reopen \1 first (the Reopen button on its page)",
    ),
    (re.compile(r"see `takedowns stubs list`"), "see the queue"),
    (re.compile(r"nothing to edit: give at least one of [-a-z, ]+"), "nothing to edit: change a field before saving"),
    (re.compile(r"`takedowns curators list`"), "the curators list (`takedowns curators list` on the server)"),
]
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]+)")


def for_desk(message: str) -> str:
    """`message` with command-line flags and commands replaced by what a curator does on the page."""
    for pattern, wording in _DESK_WORDING:
        message = pattern.sub(wording, message)
    return _FLAG.sub(lambda m: "the " + m.group(1).replace("-", " ") + " field", message)
