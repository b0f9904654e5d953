"""A stub's accepted techniques in DISARM's formats: the page's Technique table and `incidenttechniques` rows.

Here, beside the page and the sheets, rather than in `scraper.techniques` (which builds on stubs):
writing a stub's page needs these, and stubs sit below techniques.
"""

from __future__ import annotations

from archive.tables import StubTechnique

from .escape import markup, single_line

TECHNIQUE_PAGE = "../../generated_pages/techniques/{id}.md"


def description(row: StubTechnique) -> str:
    """DISARM's 'Description given for this incident': the quoted report text in <i>...</i>."""
    return markup(list(row.sentences), table=True)  # printed in the Technique table


def table_rows(rows: list[StubTechnique]) -> str:
    """Rows of the page's Technique table for accepted techniques, in DISARM's format."""
    return "".join(
        f"| [{row.technique_id} {single_line(row.name, table=True)}]"
        f"({TECHNIQUE_PAGE.format(id=row.technique_id)}) | {description(row)} |\n"
        for row in rows
    )


def sheet_rows(incident_id: str, rows: list[StubTechnique]) -> list[dict[str, str]]:
    """`incidenttechniques` rows (DISARM's columns) for accepted techniques of one incident."""
    return [
        {
            "disarm_id": f"{incident_id}-{row.technique_id}",
            "name": description(row),
            "incident_id": incident_id,
            "technique_ids": row.technique_id,
            "summary": "",
        }
        for row in rows
    ]
