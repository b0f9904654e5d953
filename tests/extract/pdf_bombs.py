"""Hostile PDFs written byte by byte: a page-tree bomb and a content-stream bomb."""

from __future__ import annotations

import zlib

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with `objects` numbered from 1 (object 1 is the catalogue) and a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def page_tree_bomb(depth: int = 40) -> bytes:
    """Each node of the page tree lists its child twice: 2**depth pages in a few kilobytes."""
    first_node, leaf = 2, 2 + depth
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = first_node + level
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects.append(
            b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d%s >>"
            % (number + 1, number + 1, 2 ** (depth - level), parent)
        )
    objects.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 200 200] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
        % (leaf - 1, leaf + 1, leaf + 2)
    )
    objects.append(_stream(b"BT /F1 12 Tf 20 100 Td (Removed network page) Tj ET"))
    objects.append(FONT)
    return _pdf(objects)


def broken_page_tree() -> bytes:
    """A page tree that declares 3 pages but whose second kid is a font, not a page: pdfium cannot load it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 20 100 Td (Removed network page) Tj ET"),
        FONT,
        b"<< /Type /Font >>",
    ]
    return _pdf(objects)


def content_stream_bomb(decoded_mb: int = 64) -> bytes:
    """One page whose compressed content stream inflates to `decoded_mb` MB of text-showing operators."""
    operator = b"(x) Tj\n"
    body = b"BT /F1 1 Tf 0 0 Td\n" + operator * (decoded_mb * 1024 * 1024 // len(operator)) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(body, compress=True),
        FONT,
    ]
    return _pdf(objects)


def small_report_pdf(pages: int = 2) -> bytes:
    """An ordinary PDF: a few pages of text, to show the worker still reads real documents."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    font = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
            % (4 + 2 * i, font)
        )
        objects.append(_stream(b"BT /F1 12 Tf 20 100 Td (Page %d: we removed 7 Facebook accounts.) Tj ET" % (i + 1)))
    objects.append(FONT)
    return _pdf(objects)
