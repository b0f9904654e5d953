"""Start-up time of the commands a curator types most: `--help`, `status`, `stubs list`.

Each command runs in a fresh interpreter (as the `takedowns` script does) on an
existing catalogue (created and migrated once before timing) whose config lists the shipped
config.toml's sources. Prints the median
wall time of `--repeat` runs per command and the ratio to a bare `python -c pass`
measured in the same run, so the interpreter's own start-up is visible. Goal: < 0.5 s each.
The cause (which heavy modules each command imports) is checked by tests/test_startup.py.
`--config` times them on an existing catalogue instead, e.g. the 20,000-report one that
`bench/scale.py --keep DIR` leaves in DIR/at-20000 (what a curator's machine holds after years).

    python bench/startup.py [--repeat 5] [--config DIR/at-20000/config.toml]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: list[tuple[str, ...]] = [("--help",), ("status",), ("stubs", "list")]
GOAL_SECONDS = 0.5
# The shipped config.toml's [sources.*] tables: what a deployment lists (feeds, embedded JSON, Wayback, series...).
SHIPPED = Path(__file__).resolve().parent.parent / "config.toml"
SOURCES = SHIPPED.read_text()[SHIPPED.read_text().index("\n[sources.") :]
SCRIPT = "import sys; from scraper.cli import main; sys.exit(main())"  # what the `takedowns` entry point runs


def run(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds for one fresh process; a failing command stops the bench.

    CPU (user + system of the child) is printed beside wall time because on a busy
    shared machine the wall time mostly measures waiting for a core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(argv[3:])} failed: {done.stderr.strip()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_seconds(argv: list[str], repeat: int) -> tuple[float, float]:
    runs = [run(argv) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median reported)")
    parser.add_argument(
        "--config", type=Path, default=None, help="an existing catalogue's config.toml (default: a new, empty one)"
    )
    args = parser.parse_args()
    if args.config is not None and not args.config.is_file():
        sys.exit(f"error: no config file {args.config}")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = args.config or Path(tmp) / "config.toml"
        if args.config is None:
            cfg.write_text('[data]\ndir = "data"\n[archive.wayback]\nenabled = false\n' + SOURCES)
        base = [sys.executable, "-c", SCRIPT, "--config", str(cfg)]
        run([*base, "status"])  # creates or migrates the catalogue: the timed runs find it existing and current
        bare, bare_cpu = median_seconds([sys.executable, "-c", "pass"], args.repeat)
        print(f"python -c pass        wall {bare:.3f} s  CPU {bare_cpu:.3f} s (medians of {args.repeat})")
        worst = 0.0
        for command in COMMANDS:
            wall, cpu = median_seconds([*base, *command], args.repeat)
            worst = max(worst, wall)
            print(
                f"takedowns {' '.join(command):<12} wall {wall:.3f} s  CPU {cpu:.3f} s  ({wall / bare:.1f}x bare"
                " python)"
            )
        print(f"slowest wall: {worst:.3f} s (goal < {GOAL_SECONDS} s): {'met' if worst < GOAL_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
