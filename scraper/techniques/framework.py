"""DISARM's framework: techniques (id, name, tactic, summary) from DISARM_FRAMEWORKS_MASTER.xlsx.

Read once with openpyxl; a missing file or a renamed sheet/column is a one-line UserError,
because the spreadsheet is DISARM's to change and curators swap in newer copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.errors import UserError

TECHNIQUE_ID = re.compile(r"^T\d{4}(?:\.\d{3})?$")
TECHNIQUE_ID_IN_TEXT = re.compile(r"\bT\d{4}(?:\.\d{3})?\b")


@dataclass(frozen=True)
class Technique:
    id: str  # T0097.208
    name: str  # Social Cause Persona
    tactic_id: str  # TA16
    tactic: str  # Establish Legitimacy
    summary: str

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


def sheet_rows(path: Path, sheet: str, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Rows of `sheet` as dicts of the wanted `columns` (header row located by name)."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise UserError(f"DISARM spreadsheet not found: {path} (set [techniques] in config.toml to its path)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a damaged or non-xlsx file
        raise UserError(f"cannot read {path} as an .xlsx workbook: {exc.__class__.__name__}") from None
    try:
        if sheet not in wb.sheetnames:
            raise UserError(
                f"{path.name} has no sheet {sheet!r} (found: {', '.join(wb.sheetnames)}): is it a DISARM spreadsheet,"
                " or was the sheet renamed?"
            )
        rows = wb[sheet].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        missing = [c for c in columns if c not in header]
        if missing:
            raise UserError(f"{path.name} sheet {sheet!r} lacks column(s) {', '.join(missing)}: was it renamed?")
        index = {c: header.index(c) for c in columns}
        for row in rows:
            values = {c: _text(row[i] if i < len(row) else None) for c, i in index.items()}
            if any(values.values()):
                yield values
    finally:
        wb.close()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def load_framework(path: Path) -> dict[str, Technique]:
    """Technique id -> Technique, with the tactic's name resolved from the `tactics` sheet."""
    tactics = {r["disarm_id"]: r["name"] for r in sheet_rows(path, "tactics", ("disarm_id", "name"))}
    techniques: dict[str, Technique] = {}
    for r in sheet_rows(path, "techniques", ("disarm_id", "name", "tactic_id", "summary")):
        if TECHNIQUE_ID.match(r["disarm_id"]):
            techniques[r["disarm_id"]] = Technique(
                r["disarm_id"], r["name"], r["tactic_id"], tactics.get(r["tactic_id"], ""), r["summary"]
            )
    if not techniques:
        raise UserError(
            f"{path.name} sheet 'techniques' holds no technique ids like T0097.208: is it DISARM's framework"
            " spreadsheet?"
        )
    return techniques


def require_known(framework: dict[str, Technique], ids: list[str]) -> list[str]:
    """The ids, normalised; a UserError naming any id not in the framework."""
    out = [i.strip().upper() for i in ids]
    unknown = [i for i in out if i not in framework]
    if unknown:
        raise UserError(f"technique(s) not in the DISARM framework: {', '.join(unknown)} (ids look like T0097.208)")
    return out
