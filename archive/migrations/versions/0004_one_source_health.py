"""one source-health record: manual polls and daemon runs both go to source_runs

Revision ID: 0004_one_source_health
Revises: 0003_stub_review_scale
Create Date: 2026-11-28 21:50:00

`source_state` (written only by manual polls) is folded into `source_runs`
(written by the daemon until now): each source's last success and, when it came
later, its last error become closed run rows, so `status`, `sources` and the
desk read one history. Downgrade rebuilds `source_state` from the runs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_one_source_health"
down_revision = "0003_stub_review_scale"
branch_labels = None
depends_on = None

_STATE = sa.table(
    "source_state",
    sa.column("name", sa.String),
    sa.column("last_poll_at", sa.DateTime),
    sa.column("last_success_at", sa.DateTime),
    sa.column("last_error_at", sa.DateTime),
    sa.column("last_error", sa.Text),
    sa.column("items_found", sa.Integer),
    sa.column("polls", sa.Integer),
)
_RUNS = sa.table(
    "source_runs",
    sa.column("id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("started_at", sa.DateTime),
    sa.column("ended_at", sa.DateTime),
    sa.column("outcome", sa.String),
    sa.column("items_found", sa.Integer),
    sa.column("errors", sa.Integer),
    sa.column("message", sa.Text),
    sa.column("pid", sa.Integer),
)


def _run_rows(state: sa.Row[Any]) -> list[dict[str, Any]]:
    """Closed runs standing for what one source_state row remembers, oldest first."""
    rows = []
    if state.last_success_at is not None:
        rows.append(
            {
                "source": state.name,
                "started_at": state.last_success_at,
                "ended_at": state.last_success_at,
                "outcome": "ok",
                "items_found": state.items_found or 0,
                "errors": 0,
                "message": None,
                "pid": None,
            }
        )
    if (
        state.last_error_at is not None
        and state.last_error
        and (state.last_success_at is None or state.last_error_at > state.last_success_at)
    ):
        rows.append(
            {
                "source": state.name,
                "started_at": state.last_error_at,
                "ended_at": state.last_error_at,
                "outcome": "error",
                "items_found": 0,
                "errors": 1,
                "message": state.last_error,
                "pid": None,
            }
        )
    return rows


def upgrade() -> None:
    bind = op.get_bind()
    for state in bind.execute(sa.select(_STATE)).all():
        latest = bind.execute(sa.select(sa.func.max(_RUNS.c.started_at)).where(_RUNS.c.source == state.name)).scalar()
        rows = [r for r in _run_rows(state) if latest is None or r["started_at"] > latest]  # runs stay in time order
        if rows:
            bind.execute(_RUNS.insert(), sorted(rows, key=lambda r: r["started_at"]))
    op.drop_table("source_state")


def downgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("last_poll_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("items_found", sa.Integer(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    bind = op.get_bind()
    names = bind.execute(sa.select(_RUNS.c.source).distinct()).scalars().all()
    for name in names:
        runs = bind.execute(sa.select(_RUNS).where(_RUNS.c.source == name).order_by(_RUNS.c.id)).all()
        ok = [r for r in runs if r.outcome == "ok"]
        err = [r for r in runs if r.outcome == "error"]
        failing = bool(err) and (not ok or err[-1].id > ok[-1].id)
        bind.execute(
            _STATE.insert(),
            [
                {
                    "name": name,
                    "last_poll_at": runs[-1].started_at,
                    "last_success_at": ok[-1].ended_at if ok else None,
                    "last_error_at": err[-1].ended_at if err else None,
                    "last_error": err[-1].message if failing else None,
                    "items_found": ok[-1].items_found if ok else 0,
                    "polls": len(runs),
                }
            ],
        )
