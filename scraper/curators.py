"""Curator identities for the desk: a name and a token, the token stored only as its SHA-256.

A token is 32 random bytes (`secrets.token_urlsafe`), so a plain SHA-256 is enough: there is
no password to guess by dictionary, and the digest can be looked up by index on each request
(a slow, salted password hash could not be). The token is printed once, at `curators add`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from archive.catalogue import Catalogue
from archive.clock import utcnow
from archive.tables import Curator
from scraper.errors import UserError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class CuratorInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None

    def to_dict(self) -> dict:
        return {"name": self.name, "created_at": self.created_at, "revoked_at": self.revoked_at}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add(catalogue: Catalogue, name: str) -> str:
    """A new curator; returns their token (shown once: only its digest is kept)."""
    if not NAME.match(name):
        raise UserError(
            f"curator name {name!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    token = "tdc_" + secrets.token_urlsafe(32)
    try:
        with catalogue.session() as s:
            existing = s.scalar(select(Curator).where(Curator.name == name))
            if existing is not None and existing.revoked_at is None:
                raise UserError(
                    f"curator {name} already exists: pick another name, or `takedowns curators revoke {name}` first to "
                    "give them a new token"
                )
            if existing is not None:  # a revoked curator back, with a new token
                existing.token_sha256, existing.revoked_at, existing.created_at = digest(token), None, utcnow()
            else:
                s.add(Curator(name=name, token_sha256=digest(token), created_at=utcnow()))
    except IntegrityError:  # a second `add` of the same name at the same moment
        raise UserError(f"curator {name} already exists: pick another name") from None
    return token


def revoke(catalogue: Catalogue, name: str) -> None:
    """The curator's token stops working; what they did stays recorded under their name."""
    with catalogue.session() as s:
        found = s.scalar(select(Curator.id).where(Curator.name == name))
        if found is None:
            raise UserError(f"no curator {name}: see `takedowns curators list`")
        s.execute(update(Curator).where(Curator.id == found, Curator.revoked_at.is_(None)).values(revoked_at=utcnow()))


def listing(catalogue: Catalogue) -> list[CuratorInfo]:
    with catalogue.session() as s:
        return [
            CuratorInfo(c.name, c.created_at, c.revoked_at) for c in s.scalars(select(Curator).order_by(Curator.name))
        ]


def any_active(catalogue: Catalogue) -> bool:
    with catalogue.session() as s:
        return bool(s.scalar(select(func.count(Curator.id)).where(Curator.revoked_at.is_(None))))


def who(catalogue: Catalogue, token: str) -> str | None:
    """The active curator holding `token`, or None. The digest lookup is an index probe; the
    digests are compared as fixed-length hex, so timing says nothing about the token."""
    with catalogue.session() as s:
        return s.scalar(select(Curator.name).where(Curator.token_sha256 == digest(token), Curator.revoked_at.is_(None)))
