"""Where DISARM's files live in DISARM's public repository, and the commit this release pins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.settings import DISARM_REPOSITORY

REPOSITORY = DISARM_REPOSITORY  # declared with the settings whose defaults point into it
# The snapshot in scraper/disarm/data/ is this commit ("Merge pull request #37", 2025-02-10).
PINNED_COMMIT = "49df5f649e16dfbf11e3859913c256c875c02692"
PINNED_DATE = "2025-02-10"

COMMIT = re.compile(r"^[0-9a-f]{40}$")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")  # a tag, branch or commit; no '..', no spaces


@dataclass(frozen=True)
class DisarmFile:
    key: str  # the [techniques] setting it stands in for
    name: str  # file name in the data folder and in the package
    repo_path: str  # path inside DISARM's repository
    what: str


FILES: tuple[DisarmFile, ...] = (
    DisarmFile(
        "framework",
        "DISARM_FRAMEWORKS_MASTER.xlsx",
        "DISARM_MASTER_DATA/DISARM_FRAMEWORKS_MASTER.xlsx",
        "framework workbook",
    ),
    DisarmFile("stix_bundle", "DISARM.json", "generated_files/DISARM_STIX/DISARM.json", "STIX bundle"),
    DisarmFile("mappings", "DISARM_DATA_MASTER.xlsx", "DISARM_MASTER_DATA/DISARM_DATA_MASTER.xlsx", "incidents master"),
)
BY_KEY = {f.key: f for f in FILES}


def short(commit: str) -> str:
    return commit[:12] if COMMIT.match(commit) else commit
