"""The PDF-reading worker process: run as a script, never imported by the daemon.

It reads a PDF from stdin, applies its limits to itself first (CPU seconds and
address space with `resource.setrlimit`, pages, output characters), and writes
one JSON object to stdout: `{"pages": [...], "meta": {...}, "truncated": bool}`
or `{"error": "...", "limit": bool}` (limit: stopped at the memory limit, not a broken PDF).
It imports only the standard library and the PDF
library, so it starts fast and a bomb can only hurt this process.
"""

from __future__ import annotations

import json
import resource
import sys


def _limit(kind: int, value: int) -> None:
    if value > 0:
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, hard if kind != resource.RLIMIT_CPU else value + 1))


def apply_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Limit this process's address space and CPU seconds (past them: MemoryError, then SIGXCPU);
    every extraction process applies them to itself (this worker, and scraper.extract.pool's)."""
    _limit(resource.RLIMIT_AS, memory_bytes)
    _limit(resource.RLIMIT_CPU, cpu_seconds)


def read(payload: bytes, max_pages: int, max_chars: int) -> dict:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(payload)
    except pdfium.PdfiumError as exc:
        reason = "encrypted (password protected)" if "password" in str(exc).lower() else f"corrupt ({exc})"
        return {"error": f"cannot read the PDF: {reason}"}
    try:
        meta = {k: v for k, v in pdf.get_metadata_dict().items() if v}
        pages: list[str] = []
        chars, truncated = 0, False
        count = len(pdf)
        for index in range(min(count, max_pages)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            if chars + len(text) > max_chars:
                pages.append(text[: max_chars - chars])
                truncated = True
                break
            chars += len(text)
            pages.append(text)
        return {"pages": pages, "meta": meta, "truncated": truncated or count > max_pages, "page_count": count}
    finally:
        pdf.close()


def main() -> int:
    limits = json.loads(sys.argv[1])
    apply_limits(int(limits["memory_bytes"]), int(limits["cpu_seconds"]))
    payload = sys.stdin.buffer.read()
    try:
        result = read(payload, int(limits["max_pages"]), int(limits["max_text_chars"]))
    except MemoryError:
        result = {
            "error": f"the PDF needs more than the {int(limits['memory_bytes']) // 2**20} MiB memory limit (PDF bomb?)",
            "limit": True,
        }
    except Exception as exc:  # noqa: BLE001 - a broken page tree or page (pdfium refuses it): a broken PDF, said so
        result = {"error": f"cannot read the PDF: broken ({exc})"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
