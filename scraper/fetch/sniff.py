"""Decide what kind of document a body is, from its Content-Type and first bytes."""

from __future__ import annotations

import mimetypes
from pathlib import Path

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
SNIFF_BYTES = 1024  # how much of a body `document_kind` looks at


def document_kind(content_type: str, content: bytes) -> str | None:
    """'html', 'pdf', 'text', or None when the body is no report we can read."""
    head = content[:SNIFF_BYTES].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    ctype = content_type.split(";")[0].strip().lower()
    lowered = head.lower()
    looks_html = (
        lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered
    )
    if ctype in HTML_TYPES or (ctype in ("", "application/octet-stream") and looks_html):
        return "html"
    if ctype == "application/pdf":
        return "pdf"
    if ctype in TEXT_TYPES or (ctype == "" and _is_texty(head)):
        return "text"
    return None


def _is_texty(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def content_type_for_path(path: Path) -> str:
    """The Content-Type a local file would be served with (Markdown and text read as plain text)."""
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        return "text/plain"
    return mimetypes.guess_type(path.name)[0] or ""
