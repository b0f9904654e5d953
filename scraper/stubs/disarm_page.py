"""DISARM incident pages: render exactly as DISARM's generator does, and parse them back.

DISARM's generator (`generate_DISARM_pages.py`) pours the spreadsheet's cells
into `template_incident.md` verbatim: a cell's markup (`<i>`, `<br>`), its line
breaks and even its trailing spaces reach the page unchanged. So an IncidentPage
holds *cell values*, exactly as they stand in DISARM's sheets, and rendering is
plain formatting. Parsing a real page and rendering it again gives back the same
bytes (all 130 pages in ../shared/disarm/incidents).

Plain text from reports becomes a cell value only through `escape.py`
(`markup`, `single_line`, `safe_url`), which is where hostile text is defused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scraper.errors import UserError

REFERENCE_HEADER = (
    "| Reference | Pub Date | Authors | Org | Archive |\n| --------- | -------- | ------- | --- | ------- |\n"
)
TECHNIQUE_HEADER = "| Technique | Description given for this incident |\n| --------- | ------------------------- |\n"
FOOTER = "DO NOT EDIT ABOVE THIS LINE - PLEASE ADD NOTES BELOW"


@dataclass
class Reference:
    """One row of the urls sheet, as cell values."""

    url: str
    pub_date: str = ""  # YYYY/MM/DD
    authors: str = ""
    org: str = ""
    archive: str = ""  # a web.archive.org link; empty while pending


@dataclass
class IncidentPage:
    """One row of the incidents sheet (cell values, markup included) plus its references."""

    id: str
    name: str
    kind: str = "Incident"
    summary: str = ""  # the cell as DISARM stores it, e.g. "<i>...<br><br>...</i>"
    incident_type: str = ""
    year_started: str = ""  # as the generator prints it (see sheets.year_text)
    from_countries: str = ""
    to_countries: str = ""
    found_via: str = ""
    date_added: str = ""
    references: list[Reference] = field(default_factory=list)
    techniques: str = ""  # the technique table's rows, kept verbatim
    notes: str = ""  # everything below the footer line, verbatim


def render_reference(ref: Reference) -> str:
    return f"| [{ref.url}]({ref.url}) | {ref.pub_date} | {ref.authors} | {ref.org} | [{ref.archive}]({ref.archive}) |\n"


def render_page(page: IncidentPage) -> str:
    """The page DISARM's generator writes for this row (plus any notes below the footer)."""
    urls = "\n" + REFERENCE_HEADER + "".join(render_reference(r) for r in page.references)
    techniques = "\n" + TECHNIQUE_HEADER + page.techniques
    return (
        f"# {page.kind} {page.id}: {page.name}\n\n"
        f"* **Summary:** {page.summary}\n\n"
        f"* **incident type**: {page.incident_type}\n\n"
        f"* **Year started:** {page.year_started}\n\n"
        f"* **Countries:** {page.from_countries} , {page.to_countries}\n\n"
        f"* **Found via:** {page.found_via}\n\n"
        f"* **Date added:** {page.date_added}\n\n"
        f"{urls}\n \n{techniques}\n\n{FOOTER}{page.notes}"
    )


_HEAD = re.compile(r"\A# (\w+) (\S*): (.*?)\n\n\* \*\*Summary:\*\* ", re.DOTALL)
_FIELDS = re.compile(
    r"\* \*\*Summary:\*\* (?P<summary>.*?)\n\n"
    r"\* \*\*incident type\*\*: (?P<incident_type>.*?)\n\n"
    r"\* \*\*Year started:\*\* (?P<year_started>.*?)\n\n"
    r"\* \*\*Countries:\*\* (?P<countries>.*?)\n\n"
    r"\* \*\*Found via:\*\* (?P<found_via>.*?)\n\n"
    r"\* \*\*Date added:\*\* (?P<date_added>.*?)\n\n"
    r"\n"
    + re.escape(REFERENCE_HEADER)
    + r"(?P<refs>.*?)\n \n\n"
    + re.escape(TECHNIQUE_HEADER)
    + r"(?P<techniques>.*)\n\n"
    + re.escape(FOOTER),
    re.DOTALL,
)
_ROW = re.compile(
    r"\| \[(?P<url>.*?)\]\((?P=url)\) \| (?P<pub>.*?) \| (?P<authors>.*?) \| (?P<org>.*?) \|"
    r" \[(?P<archive>.*?)\]\((?P=archive)\) \|",
    re.DOTALL,
)


def _references(block: str) -> list[Reference]:
    rows = re.split(r"\n(?=\| \[)", block.removesuffix("\n")) if block else []
    refs = []
    for row in rows:
        m = _ROW.fullmatch(row)
        if not m:
            raise UserError(f"not a DISARM reference row: {row[:80]!r}")
        refs.append(Reference(m["url"], m["pub"], m["authors"], m["org"], m["archive"]))
    return refs


def parse_page(text: str) -> IncidentPage:
    """Cell values back from a page; `render_page(parse_page(t)) == t` for DISARM's pages."""
    head = _HEAD.match(text)
    if not head:
        raise UserError("not a DISARM incident page: no '# Incident Ixxxxx: name' heading followed by a Summary")
    found = _FIELDS.search(text, head.start(0) + len(head.group(0)) - len("* **Summary:** "))
    if not found:
        raise UserError(
            f"not a DISARM incident page: {head.group(2)} lacks the generator's fields, reference or technique tables,"
            " or footer"
        )
    from_c, sep, to_c = found["countries"].partition(" , ")
    if not sep:
        raise UserError(f"not a DISARM incident page: {head.group(2)}'s Countries line has no ' , '")
    return IncidentPage(
        id=head.group(2),
        name=head.group(3),
        kind=head.group(1),
        summary=found["summary"],
        incident_type=found["incident_type"],
        year_started=found["year_started"],
        from_countries=from_c,
        to_countries=to_c,
        found_via=found["found_via"],
        date_added=found["date_added"],
        references=_references(found["refs"]),
        techniques=found["techniques"],
        notes=text[found.end() :],
    )
