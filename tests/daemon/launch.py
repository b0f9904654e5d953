"""`python tests/daemon/launch.py ARGS` = `python -m scraper ARGS`, with a discovery stand-in if needed.

When the build has no `scraper.discover` (issue 6 not merged yet), the
feed-only stand-in in `discovery_standin.py` takes its place; otherwise the
real discovery runs. Either way the daemon under test is the real one.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

try:
    import scraper.discover.poll  # noqa: F401
    import scraper.discover.sources  # noqa: F401
except ImportError:
    from tests.daemon import discovery_standin

    package = types.ModuleType("scraper.discover")
    package.__path__ = []  # a package, so the submodule imports resolve from sys.modules
    sys.modules["scraper.discover"] = package
    sys.modules["scraper.discover.sources"] = discovery_standin
    sys.modules["scraper.discover.poll"] = discovery_standin

from scraper.cli import main  # noqa: E402

sys.argv[0] = "takedowns"
main()
