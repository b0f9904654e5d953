"""Plain text -> DISARM cell values that are safe in its Markdown pages and sheets.

DISARM's generator copies cells into pages verbatim, so whatever a stub puts in a
cell must already be harmless Markdown/HTML: markup characters escaped, no line
break that could end a table row or start a new block, no pipe that adds a column.
"""

from __future__ import annotations

import html
import html.entities
import re

from scraper.settings import FOUND_VIA_CODE

_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


def found_via_cell(value: str | None) -> str:
    """DISARM's `found_via` cell: a short code, or empty for anything else.

    Stubs made before `[stubs] found_via` held a source name here
    ("takedown-archiver: meta"); it stays in the catalogue and history, but a
    DISARM cell never carries it (the generator would print it on the page).
    """
    return value if value and FOUND_VIA_CODE.fullmatch(value) else ""


# Only what would turn into markup is escaped, so a cell reads as DISARM's own do ("AT&T", "a < b",
# "Q&A | Iran" stay plain): an `&` that starts a character reference (with its `;`, or one of the legacy
# names browsers read without it, "&copy"), a `<` that could open a tag, comment or autolink, and a `|`
# in a table row (where it would add a column).
_LEGACY = sorted((name for name in html.entities.html5 if not name.endswith(";")), key=len, reverse=True)
_REFERENCE = re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;|(?:" + "|".join(_LEGACY) + "))")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def _escape(text: str, table: bool = False) -> str:
    text = _TAG_OPEN.sub("&lt;", _REFERENCE.sub("&amp;", text))
    return text.replace("|", "&#124;") if table else text


def single_line(text: str | None, *, table: bool = False) -> str:
    """A one-line cell (name, authors, org, countries): escaped, line breaks become spaces.

    `table`: the cell is printed in a Markdown table row (a reference's authors, org, date).
    """
    if not text:
        return ""
    return _escape(re.sub(r"\s+", " ", text).strip(), table)


def markup(paragraphs: list[str], *, italic: bool = True, table: bool = False) -> str:
    """A summary cell as DISARM writes them: `<i>para<br><br>para</i>` (`table`: printed in a table row)."""
    body = "<br><br>".join(_escape(_BREAKS.sub(" ", p).strip(), table) for p in paragraphs if p and p.strip())
    return f"<i>{body}</i>" if body and italic else body


def plain(cell: str) -> str:
    """Readable text of a cell value (for feeds and JSON): markup removed, breaks as newlines."""
    text = re.sub(r"<br\s*/?>", "\n", cell, flags=re.IGNORECASE)
    text = re.sub(r"</?i>", "", text, flags=re.IGNORECASE)
    return html.unescape(text)


def safe_url(url: str) -> str:
    """A URL for `[url](url)`: nothing that ends the link, the cell or the row."""
    return re.sub(r"[\s()|<>\[\]]", lambda m: f"%{ord(m.group(0)):02X}", url.strip())


def notes_block(text: str) -> str:
    """Notes below the footer: escaped so evidence quotes cannot inject markup."""
    return f"\n\n{html.escape(text, quote=False)}" if text else ""


def year_text(year: str, column_has_blanks: bool) -> str:
    """`Year started` as DISARM's generator prints it from our xlsx.

    It reads sheets with pandas: a number column with an empty cell becomes
    floats, so 2019 prints as `2019.0` (as on 47 of DISARM's own pages); a
    column of whole numbers prints `2019`.
    """
    if not year:
        return ""
    return f"{int(year)}.0" if column_has_blanks else str(int(year))
