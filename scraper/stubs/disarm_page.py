"""DISARM incident pages: render exactly as DISARM's generator does, and parse them back.

The layout is ../shared/disarm/template_incident.md; the 130 real pages beside it
are the reference for every space and line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scraper.errors import UserError

from .escape import cell, inline, link_target, unescape_cell

REFERENCE_HEADER = "| Reference | Pub Date | Authors | Org | Archive |\n| --------- | -------- | ------- | --- | ------- |\n"
TECHNIQUE_HEADER = "| Technique | Description given for this incident |\n| --------- | ------------------------- |\n"
FOOTER = "DO NOT EDIT ABOVE THIS LINE - PLEASE ADD NOTES BELOW"


@dataclass
class Reference:
    url: str
    pub_date: str = ""  # YYYY/MM/DD
    authors: str = ""
    org: str = ""
    archive: str = ""  # a web.archive.org link, or "pending"


@dataclass
class IncidentPage:
    id: str
    name: str
    kind: str = "Incident"
    summary: str = ""
    italic_summary: bool = True  # DISARM's newer pages wrap the summary in <i>...</i>
    incident_type: str = ""
    year_started: str = ""
    from_countries: str = ""
    to_countries: str = ""
    found_via: str = ""
    date_added: str = ""
    references: list[Reference] = field(default_factory=list)
    techniques: str = ""  # the technique table's rows, kept verbatim
    notes: str = ""  # below the footer line


def _link(url: str) -> str:
    return f"[{cell(url)}]({link_target(url)})"


def render_reference(ref: Reference) -> str:
    archive = _link(ref.archive) if ref.archive.startswith("http") else cell(ref.archive)
    return f"| {_link(ref.url)} | {cell(ref.pub_date)} | {cell(ref.authors)} | {cell(ref.org)} | {archive} |\n"


def render_page(page: IncidentPage) -> str:
    summary = inline(page.summary)
    if summary and page.italic_summary:
        summary = f"<i>{summary}</i>"
    urls = "\n" + REFERENCE_HEADER + "".join(render_reference(r) for r in page.references)
    techniques = "\n" + TECHNIQUE_HEADER + page.techniques
    text = (
        f"# {page.kind} {page.id}: {inline(page.name)}\n\n"
        f"* **Summary:** {summary}\n\n"
        f"* **incident type**: {inline(page.incident_type)}\n\n"
        f"* **Year started:** {inline(page.year_started)}\n\n"
        f"* **Countries:** {inline(page.from_countries)} , {inline(page.to_countries)}\n\n"
        f"* **Found via:** {inline(page.found_via)}\n\n"
        f"* **Date added:** {inline(page.date_added)}\n\n"
        f"{urls}\n \n{techniques}\n\n{FOOTER}"
    )
    return text + (f"\n\n{page.notes}" if page.notes else "")


_FIELD = {
    "summary": r"\* \*\*Summary:\*\* ?(.*?)\n\n\* \*\*incident type\*\*",
    "incident_type": r"\* \*\*incident type\*\*: ?(.*?)\n",
    "year_started": r"\* \*\*Year started:\*\* ?(.*?)\n",
    "countries": r"\* \*\*Countries:\*\* ?(.*?)\n",
    "found_via": r"\* \*\*Found via:\*\* ?(.*?)\n",
    "date_added": r"\* \*\*Date added:\*\* ?(.*?)\n",
}
_HEAD = re.compile(r"^# (\w+) ?(\S*?): ?(.*)$", re.MULTILINE)
_LINK = re.compile(r"^\[(.*)\]\((.*)\)$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    return [c.strip() for c in _CELL_SPLIT.split(row.strip().strip("|"))]


def _link_or_text(value: str) -> str:
    m = _LINK.match(value)
    return unescape_cell(m.group(1)) if m else unescape_cell(value)


def parse_page(text: str) -> IncidentPage:
    head = _HEAD.search(text)
    if not head:
        raise UserError("not a DISARM incident page: no '# Incident Ixxxxx: name' heading")
    found = {k: re.search(p, text, re.DOTALL) for k, p in _FIELD.items()}
    values = {k: (m.group(1) if m else "") for k, m in found.items()}
    summary = values["summary"].strip()
    italic = summary.startswith("<i>") and summary.endswith("</i>")
    if italic:
        summary = summary[3:-4]
    from_c, _, to_c = values["countries"].rstrip("\n").partition(" , ")
    body, _, notes = text.partition(FOOTER)
    refs_block = body.split(REFERENCE_HEADER, 1)[1].split("\n \n", 1)[0] if REFERENCE_HEADER in body else ""
    references = []
    for row in refs_block.splitlines():
        if not row.startswith("|"):
            continue
        cells = _cells(row)
        if len(cells) >= 5:
            references.append(Reference(_link_or_text(cells[0]), unescape_cell(cells[1]), unescape_cell(cells[2]), unescape_cell(cells[3]), _link_or_text(cells[4])))
    techniques = body.split(TECHNIQUE_HEADER, 1)[1].rstrip("\n") if TECHNIQUE_HEADER in body else ""
    return IncidentPage(
        id=head.group(2),
        name=unescape_cell(head.group(3).strip()),
        kind=head.group(1),
        summary=unescape_cell(summary).strip(),
        italic_summary=italic,
        incident_type=unescape_cell(values["incident_type"].strip()),
        year_started=unescape_cell(values["year_started"].strip()),
        from_countries=unescape_cell(from_c.strip()),
        to_countries=unescape_cell(to_c.strip()),
        found_via=unescape_cell(values["found_via"].strip()),
        date_added=unescape_cell(values["date_added"].strip()),
        references=references,
        techniques=techniques + "\n" if techniques else "",
        notes=notes.strip(),
    )
