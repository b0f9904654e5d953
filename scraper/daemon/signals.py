"""SIGTERM and SIGINT ask the daemon to stop; a second signal stops it now."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("takedowns.daemon")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_stop_handlers(
    loop: asyncio.AbstractEventLoop, on_stop: Callable[[], None], on_force: Callable[[], None]
) -> Callable[[], None]:
    """Route stop signals to the callbacks; returns a function that removes them."""
    received: list[int] = []

    def handle(signum: int) -> None:
        received.append(signum)
        name = signal.Signals(signum).name
        if len(received) == 1:
            log.info("%s received: taking no new work, finishing in-flight polls", name)
            on_stop()
        else:
            log.warning("%s received again: abandoning in-flight polls now", name)
            on_force()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, handle, sig)

    def remove() -> None:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)

    return remove


@contextmanager
def early_stop_signals() -> Iterator[list[int]]:
    """Remember stop signals that arrive before the event loop's handlers are installed."""
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: received.append(signum)) for sig in STOP_SIGNALS}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
