"""Report text -> sentences quoted exactly as they appear in the text.

The sentence splitter joins lines and squeezes spaces; a curator's quote must be the
report's own characters, so each sentence is located again in the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scraper.extract.sentences import sentences


def exact_span(text: str, sentence: str) -> str | None:
    """The substring of `text` that `sentence` came from (whitespace as in `text`)."""
    words = sentence.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return m.group(0) if m else None


def quoted_sentences(text: str, min_words: int = 4) -> list[str]:
    """Sentences of `text` (at least `min_words` words), each an exact substring of it."""
    return list(_quoted(text, min_words))


@lru_cache(maxsize=512)  # an evaluation splits each incident's passages once per fold
def _quoted(text: str, min_words: int) -> tuple[str, ...]:
    out: list[str] = []
    for s in sentences(text):
        if len(s.text.split()) < min_words:
            continue
        span = exact_span(text, s.text)
        if span and span not in out:
            out.append(span)
    return tuple(out)
