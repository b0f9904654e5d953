"""Rows for DISARM's `incidents` and `urls` sheets, written as CSV, .xlsx or Markdown pages."""

from __future__ import annotations

import csv
from functools import partial
from pathlib import Path

from openpyxl import Workbook

from scraper.files import atomic_write

from .disarm_page import IncidentPage, render_page

INCIDENT_COLUMNS = ["disarm_id", "name", "objecttype", "summary", "year_started", "attributions_seen", "found_in_country", "urls", "notes", "when_added", "found_via", "longname"]
URL_COLUMNS = ["url_id", "pub_date", "authors", "org", "archive_link"]
TECHNIQUE_COLUMNS = ["disarm_id", "name", "incident_id", "technique_ids", "summary"]


def incident_row(page: IncidentPage, notes: str) -> dict[str, str]:
    return {
        "disarm_id": page.id,
        "name": page.name,
        "objecttype": page.incident_type or "incident",
        "summary": page.summary,
        "year_started": page.year_started,
        "attributions_seen": page.from_countries,
        "found_in_country": page.to_countries,
        "urls": " ".join(r.url for r in page.references),
        "notes": notes,
        "when_added": page.date_added,
        "found_via": page.found_via,
        "longname": f"{page.id} - {page.name}",
    }


def url_rows(page: IncidentPage) -> list[dict[str, str]]:
    return [{"url_id": r.url, "pub_date": r.pub_date, "authors": r.authors, "org": r.org, "archive_link": r.archive} for r in page.references]


def _safe_cell(value: str) -> str:
    """Spreadsheets run text starting with = + - @ as formulas: keep hostile values inert."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def export(pages: list[tuple[IncidentPage, str]], fmt: str, out_dir: Path, techniques: list[dict[str, str]] | None = None) -> list[Path]:
    """`techniques`: `incidenttechniques` rows of accepted techniques, written when there are any."""
    incidents = [incident_row(p, notes) for p, notes in pages]
    urls = [row for p, _ in pages for row in url_rows(p)]
    sheets = [("incidents", INCIDENT_COLUMNS, incidents), ("urls", URL_COLUMNS, urls)]
    if techniques:
        sheets.append(("incidenttechniques", TECHNIQUE_COLUMNS, techniques))
    written: list[Path] = []
    if fmt == "csv":
        for name, columns, rows in ((f"{sheet}.csv", columns, rows) for sheet, columns, rows in sheets):
            def write(tmp: Path, columns=columns, rows=rows) -> None:
                with open(tmp, "w", newline="", encoding="utf-8") as f:
                    writer = csv.DictWriter(f, fieldnames=columns)
                    writer.writeheader()
                    writer.writerows(rows)
            atomic_write(out_dir / name, write)
            written.append(out_dir / name)
    elif fmt == "xlsx":
        def write_xlsx(tmp: Path) -> None:
            wb = Workbook()
            wb.remove(wb.active)
            for sheet, columns, rows in sheets:
                ws = wb.create_sheet(sheet)
                ws.append(columns)
                for row in rows:
                    ws.append([_safe_cell(row[c]) for c in columns])
            wb.save(tmp)
        atomic_write(out_dir / "stubs.xlsx", write_xlsx)
        written.append(out_dir / "stubs.xlsx")
    elif fmt == "md":
        for page, _ in pages:
            path = out_dir / f"{page.id}.md"
            atomic_write(path, partial(_write_text, text=render_page(page)))
            written.append(path)
    else:
        raise ValueError(fmt)
    return written


def _write_text(tmp: Path, text: str) -> None:
    tmp.write_text(text, encoding="utf-8")
