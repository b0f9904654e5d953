"""One suggested technique (kept free of scikit-learn so the catalogue code can import it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Suggestion:
    technique_id: str
    name: str
    tactic: str
    score: float
    sentences: list[str] = field(default_factory=list)  # report sentences supporting it, quoted exactly

    def to_dict(self) -> dict:
        return asdict(self)
