"""Curators working side by side: claims on stubs (which expire) and comments.

Both are logged in the stub's history under the curator who did them, like any decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import StubClaim, StubComment
from scraper.errors import UserError
from scraper.stubs.review import get_stub, log_change

MAX_COMMENT = 4000


@dataclass(frozen=True)
class Claim:
    curator: str
    assigned_by: str | None
    at: datetime
    expires_at: datetime


def live_claims(s: Session, stub_pks: list[int], now: datetime | None = None) -> dict[int, Claim]:
    """The unexpired claims on these stubs (one indexed query)."""
    if not stub_pks:
        return {}
    now = now or utcnow()
    rows = s.scalars(select(StubClaim).where(StubClaim.stub_pk.in_(stub_pks), StubClaim.expires_at > now))
    return {c.stub_pk: Claim(c.curator, c.assigned_by, c.at, c.expires_at) for c in rows}


def claim(catalogue: Catalogue, stub_id: str, curator: str, by: str | None, minutes: int) -> Claim:
    """`curator` takes the stub for `minutes` (assigned by `by` when that is someone else).

    Refused while another curator's claim is live, unless a curator assigns it on purpose
    (`by` set and different from the claimant's own request)."""
    curator = curator.strip()
    if not curator:
        raise UserError("name the curator to assign the stub to")
    now = utcnow()
    try:
        with catalogue.session() as s:
            stub = get_stub(s, stub_id)
            current = s.scalar(select(StubClaim).where(StubClaim.stub_pk == stub.id))
            assigning = by is not None and by != curator
            if (
                current is not None
                and current.expires_at > now
                and current.curator not in (curator, by)
                and not assigning
            ):
                raise UserError(
                    f"{stub.stub_id} is claimed by {current.curator} until {current.expires_at:%Y-%m-%d %H:%M} UTC: "
                    "ask them, or wait until the claim expires"
                )
            if current is not None:
                s.delete(current)
                s.flush()
            made = StubClaim(
                stub_pk=stub.id,
                curator=curator,
                assigned_by=by if assigning else None,
                at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
            s.add(made)
            log_change(s, stub, "claimed", f"assigned to {curator} by {by}" if assigning else f"claimed by {curator}")
            return Claim(made.curator, made.assigned_by, made.at, made.expires_at)
    except IntegrityError:  # another curator claimed it in the same instant
        raise UserError(f"{stub_id} was just claimed by another curator: reload the page") from None


def release(catalogue: Catalogue, stub_id: str, curator: str | None) -> None:
    """Give the stub back (any curator may release a claim; the history says who did)."""
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        gone = (
            s.execute(delete(StubClaim).where(StubClaim.stub_pk == stub.id).returning(StubClaim.curator))
            .scalars()
            .all()
        )
        if not gone:
            raise UserError(f"{stub.stub_id} is not claimed")
        log_change(
            s,
            stub,
            "released",
            f"claim of {gone[0]} released" + (f" by {curator}" if curator and curator != gone[0] else ""),
        )


def add_comment(catalogue: Catalogue, stub_id: str, curator: str | None, body: str) -> None:
    body = body.strip()
    if not body:
        raise UserError("the comment is empty: write something before posting")
    if len(body) > MAX_COMMENT:
        raise UserError(f"the comment is {len(body)} characters: keep it under {MAX_COMMENT}")
    with catalogue.session() as s:
        stub = get_stub(s, stub_id)
        s.add(StubComment(stub_pk=stub.id, curator=curator, at=utcnow(), body=body))
        log_change(s, stub, "commented", body[:80] + ("…" if len(body) > 80 else ""))


def comments(s: Session, stub_pk: int) -> list[StubComment]:
    return list(s.scalars(select(StubComment).where(StubComment.stub_pk == stub_pk).order_by(StubComment.id)))


@dataclass
class TeamView:
    """What the stub page shows of the team: the live claim and the comments."""

    claim: Claim | None
    comments: list[StubComment]


def team_view(s: Session, stub_pk: int) -> TeamView:
    return TeamView(live_claims(s, [stub_pk]).get(stub_pk), comments(s, stub_pk))
