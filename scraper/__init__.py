"""takedown-archiver: keeps the public record of influence-operation takedowns current.

Pipeline: discover -> fetch -> snapshot (archive/) -> extract -> archive link -> stub.
"""

__version__ = "0.1.0"
