"""Rows for DISARM's `incidents` and `urls` sheets, written as CSV, .xlsx or Markdown pages.

The cells are the ones DISARM_DATA_MASTER.xlsx holds: the summary with its
`<i>...</i>` markup, `year_started` a number (an empty cell when unknown), the
archive link an empty cell while pending, `when_added` and the other texts as
text-formatted cells. DISARM's generator turns these rows into exactly the pages
`render_page` writes (see `year_text` for its one numeric quirk).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

from scraper.files import PUBLIC_MODE, atomic_write

from .disarm_page import IncidentPage, render_page
from .escape import year_text  # noqa: F401  (re-exported: the year rule belongs with the sheets' docs)

INCIDENT_COLUMNS = [
    "disarm_id",
    "name",
    "objecttype",
    "summary",
    "year_started",
    "attributions_seen",
    "found_in_country",
    "urls",
    "notes",
    "when_added",
    "found_via",
    "longname",
]
URL_COLUMNS = ["url_id", "pub_date", "authors", "org", "archive_link"]
TECHNIQUE_COLUMNS = ["disarm_id", "name", "incident_id", "technique_ids", "summary"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def incident_row(page: IncidentPage, notes: str) -> dict[str, object]:
    return {
        "disarm_id": page.id,
        "name": page.name,
        "objecttype": page.incident_type or "incident",
        "summary": page.summary,
        "year_started": int(float(page.year_started)) if page.year_started else None,
        "attributions_seen": page.from_countries,
        "found_in_country": page.to_countries,
        "urls": " ".join(r.url for r in page.references),
        "notes": notes,
        "when_added": page.date_added,
        "found_via": page.found_via,
        "longname": f"{page.id} - {page.name}",
    }


def url_rows(page: IncidentPage) -> list[dict[str, object]]:
    return [
        {"url_id": r.url, "pub_date": r.pub_date, "authors": r.authors, "org": r.org, "archive_link": r.archive}
        for r in page.references
    ]


def csv_cell(value: object) -> str:
    """Spreadsheets run text starting with = + - @ (or a tab/CR) as a formula: prefix a quote in CSV."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write_csv(path: Path, columns: list[str], rows: Sequence[Mapping[str, object]]) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([csv_cell(row[c]) for c in columns] for row in rows)

    atomic_write(path, write, PUBLIC_MODE)


def _write_xlsx(path: Path, sheets: Sequence[tuple[str, list[str], Sequence[Mapping[str, object]]]]) -> None:
    def write(tmp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for name, columns, rows in sheets:
            ws = wb.create_sheet(name)
            ws.append(columns)
            for r, row in enumerate(rows, start=2):
                for c, column in enumerate(columns, start=1):
                    value = row[column]
                    if value is None or value == "":
                        continue  # an empty cell, as DISARM leaves unknown values
                    cell = ws.cell(r, c)
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # never a formula, whatever the text starts with
                        cell.number_format = "@"
                        if value.startswith(FORMULA_STARTS):
                            cell.quotePrefix = True  # shown and kept as text, no ' added to the value
        wb.save(tmp)

    atomic_write(path, write, PUBLIC_MODE)


def _write_page(path: Path, page: IncidentPage) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(render_page(page), encoding="utf-8"), PUBLIC_MODE)


def export(
    pages: list[tuple[IncidentPage, str]],
    fmt: str,
    out_dir: Path,
    techniques: Sequence[Mapping[str, object]] | None = None,
) -> list[Path]:
    """`techniques`: `incidenttechniques` rows of accepted techniques, written when there are any."""
    incidents = [incident_row(p, notes) for p, notes in pages]
    # one row per URL: DISARM's generator joins the sheets on url_id, so a repeated row would repeat a reference
    by_url: dict[object, dict[str, object]] = {}
    for p, _ in pages:
        for row in url_rows(p):
            by_url.setdefault(row["url_id"], row)
    urls = list(by_url.values())
    sheets: list[tuple[str, list[str], Sequence[Mapping[str, object]]]] = [
        ("incidents", INCIDENT_COLUMNS, incidents),
        ("urls", URL_COLUMNS, urls),
    ]
    if techniques:
        sheets.append(("incidenttechniques", TECHNIQUE_COLUMNS, techniques))
    written: list[Path] = []
    if fmt == "csv":
        for sheet, columns, rows in sheets:
            _write_csv(out_dir / f"{sheet}.csv", columns, rows)
            written.append(out_dir / f"{sheet}.csv")
    elif fmt == "xlsx":
        _write_xlsx(out_dir / "stubs.xlsx", sheets)
        written.append(out_dir / "stubs.xlsx")
    elif fmt == "md":
        for page, _ in pages:
            _write_page(out_dir / f"{page.id}.md", page)
            written.append(out_dir / f"{page.id}.md")
    else:
        raise ValueError(fmt)
    return written
