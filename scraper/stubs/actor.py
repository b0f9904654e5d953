"""Who is acting: the curator a desk request speaks for, recorded with every stub change.

A context variable, so the review state machine and the technique store record the curator
without every front end passing a name through every call. Unset (None): the pipeline or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ACTOR: ContextVar[str | None] = ContextVar("takedowns_actor", default=None)


def current_actor() -> str | None:
    return _ACTOR.get()


@contextmanager
def acting_as(name: str | None) -> Iterator[None]:
    """Changes made inside the block are recorded as `name`'s."""
    token = _ACTOR.set(name)
    try:
        yield
    finally:
        _ACTOR.reset(token)
