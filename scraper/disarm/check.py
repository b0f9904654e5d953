"""Is a file what DISARM ships? Sheets and columns of the workbooks, attack-patterns of the bundle.

Run on every download before anything is replaced, so a truncated file, an HTML error page
or a renamed sheet upstream never becomes the copy the tool uses.
"""

from __future__ import annotations

from pathlib import Path

from scraper.errors import UserError

from .bundle import attack_pattern_ids
from .source import DisarmFile

# Sheets and the columns the tool reads from them (scraper.techniques, scraper.stubs.urls).
SHEETS: dict[str, dict[str, tuple[str, ...]]] = {
    "framework": {
        "tactics": ("disarm_id", "name"),
        "techniques": ("disarm_id", "name", "tactic_id", "summary"),
    },
    "mappings": {
        "incidents": ("disarm_id", "name", "urls"),
        "incidenttechniques": ("incident_id", "technique_ids", "name"),
        "urls": ("url_id",),
    },
}


def check_workbook(path: Path, sheets: dict[str, tuple[str, ...]], what: str) -> None:
    """Raise UserError unless `path` is an .xlsx with these sheets and header columns."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a truncated or non-xlsx file
        raise UserError(
            f"the {what} {path.name} is not a readable .xlsx workbook ({exc.__class__.__name__}): truncated download or"
            " wrong file"
        ) from None
    try:
        for sheet, columns in sheets.items():
            if sheet not in wb.sheetnames:
                raise UserError(f"the {what} {path.name} has no sheet {sheet!r} (found: {', '.join(wb.sheetnames)})")
            body = wb[sheet].iter_rows(values_only=True)
            header = [str(c).strip() for c in next(body, ()) if c is not None]
            missing = [c for c in columns if c not in header]
            if missing:
                raise UserError(f"the {what} {path.name} sheet {sheet!r} lacks column(s) {', '.join(missing)}")
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a readable zip
        raise UserError(
            f"the {what} {path.name} is damaged ({exc.__class__.__name__}): truncated download or wrong file"
        ) from None
    finally:
        wb.close()


def check_file(path: Path, file: DisarmFile) -> str:
    """Check one downloaded file; a one-line summary of what it holds."""
    if file.key == "stix_bundle":
        return f"{len(attack_pattern_ids(path))} attack-patterns"
    check_workbook(path, SHEETS[file.key], file.what)
    return f"sheets {', '.join(SHEETS[file.key])} with the columns read"
