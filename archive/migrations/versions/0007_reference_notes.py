"""notes per reference: a stub's notes are its references' blocks joined when read

Revision ID: 0007_reference_notes
Revises: 0006_report_chart_keys
Create Date: 2026-11-29 02:50:00

Adding a report to a large cluster rewrote the stub's whole notes text (one
block per cited report). Each block now lives on its reference's row, cut from
the stub's stored notes here, so no text is recomputed or lost: a block goes to
the reference whose URL it names, and text that names no cited URL stays with the
stub's first reference. The "Counts corrected by a curator" line is not stored any
more; it is written from the curator's counts when the notes are read.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_reference_notes"
down_revision = "0006_report_chart_keys"
branch_labels = None
depends_on = None

MARK = "Extracted by takedown-archiver from "
CURATOR = "Counts corrected by a curator: "

stubs = sa.table(
    "stubs",
    sa.column("id", sa.Integer),
    sa.column("notes", sa.Text),
    sa.column("edited_fields", sa.JSON),
    sa.column("counts", sa.JSON),
)
refs = sa.table(
    "stub_references",
    sa.column("id", sa.Integer),
    sa.column("stub_pk", sa.Integer),
    sa.column("url", sa.Text),
    sa.column("merged_from", sa.String),
    sa.column("notes", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))
    _split_notes()
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.drop_column("notes")


def downgrade() -> None:
    with op.batch_alter_table("stubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))
    _join_notes()
    with op.batch_alter_table("stub_references", schema=None) as batch_op:
        batch_op.drop_column("notes")


def _by_stub(bind: Any) -> dict[int, list[Any]]:
    """Each stub's references in the order its notes list them (its own first, then a curator's merges)."""
    out: dict[int, list[Any]] = {}
    for row in bind.execute(
        sa.select(refs.c.id, refs.c.stub_pk, refs.c.url, refs.c.merged_from, refs.c.notes).order_by(refs.c.id)
    ):
        out.setdefault(row.stub_pk, []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: r.merged_from is not None)
    return out


def split_blocks(notes: str, urls: list[str], curator_edited: bool) -> list[str]:
    """`notes` cut into one text per URL of `urls` (a block goes to the first unclaimed reference it names)."""
    blocks: list[tuple[str | None, list[str]]] = []
    for line in notes.split("\n"):
        if curator_edited and line.startswith(CURATOR):
            continue
        if line.startswith(MARK) or not blocks:
            blocks.append((line[len(MARK) :].removesuffix(":") if line.startswith(MARK) else None, [line]))
        else:
            blocks[-1][1].append(line)
    texts: list[list[str]] = [[] for _ in urls]
    for url, lines in blocks:
        text = "\n".join(lines)
        if not text:
            continue
        owner = next((i for i, u in enumerate(urls) if u == url and not texts[i]), 0)
        texts[owner].append(text)
    return ["\n".join(t) for t in texts]


def _split_notes() -> None:
    bind = op.get_bind()
    cited = _by_stub(bind)
    updates = []
    for stub_pk, notes, edited in bind.execute(sa.select(stubs.c.id, stubs.c.notes, stubs.c.edited_fields)):
        rows = cited.get(stub_pk)
        if not (rows and notes):
            continue
        for row, text in zip(rows, split_blocks(notes, [r.url for r in rows], "counts" in (edited or [])), strict=True):
            if text:
                updates.append({"rid": row.id, "text": text})
    if updates:
        bind.execute(refs.update().where(refs.c.id == sa.bindparam("rid")).values(notes=sa.bindparam("text")), updates)


def _join_notes() -> None:
    bind = op.get_bind()
    cited = _by_stub(bind)
    updates = []
    for stub_pk, edited, counts in bind.execute(sa.select(stubs.c.id, stubs.c.edited_fields, stubs.c.counts)):
        text = "\n".join(r.notes for r in cited.get(stub_pk, []) if r.notes)
        if "counts" in (edited or []):
            text += "\n" + CURATOR + (", ".join(f"{k}={v}" for k, v in (counts or {}).items()) or "none")
        if text:
            updates.append({"sid": stub_pk, "text": text})
    if updates:
        bind.execute(
            stubs.update().where(stubs.c.id == sa.bindparam("sid")).values(notes=sa.bindparam("text")), updates
        )
