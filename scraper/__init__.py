"""takedown-archiver: keeps the public record of influence-operation takedowns current.

Pipeline: discover -> fetch -> snapshot (archive/) -> extract -> archive link -> stub.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`scraper.__version__`: the installed distribution's version, declared once in pyproject.toml.

    Read on first use, so importing the package (every command does) costs no metadata lookup.
    """
    if name == "__version__":
        from importlib.metadata import version

        return version("takedown-archiver")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
