"""Whether a process still runs, by its id: how a run row or a staging folder left by a killed process is told
from one a live process still owns."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether process `pid` exists (another user's process cannot be signalled, yet it runs)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
