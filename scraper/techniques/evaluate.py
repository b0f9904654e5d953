"""Leave-one-incident-out evaluation of the suggester over DISARM's mapped incidents.

For each incident, the model is fitted on every *other* incident (its signal weights learned
from those others, each held out in turn, so this is a nested cross-validation) and reads only the test
incident's quoted passages (technique ids, names and explanations already scrubbed by
`mappings`); recall and precision at k are averaged over incidents. The baseline suggests
the k techniques most often mapped in the training folds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from .framework import Technique
from .mappings import MappedIncident
from .model import TechniqueModel, Weights


@dataclass
class FoldResult:
    incident_id: str
    gold: list[str]
    suggested: list[str]
    baseline: list[str]
    supported: int  # suggestions carrying at least one supporting sentence
    weights: dict[str, float] = field(default_factory=dict)  # learned inside the fold (nested leave-one-out)


@dataclass
class EvalResult:
    k: int
    incidents: int
    recall: float
    precision: float
    baseline_recall: float
    baseline_precision: float
    supported_fraction: float
    folds: list[FoldResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def evaluate(
    framework: dict[str, Technique],
    incidents: list[MappedIncident],
    k: int = 5,
    limit: int | None = None,
    weights: Weights | None = None,
) -> EvalResult:
    """LOIO over all incidents, or over the first `limit` (a reduced fold for CI)."""
    folds: list[FoldResult] = []
    for test in incidents[:limit] if limit else incidents:
        train = [inc for inc in incidents if inc is not test]
        model = TechniqueModel(framework, train, weights)
        suggestions = model.suggest("\n\n".join(test.passages), top=k)
        frequent = [t for t, _ in Counter(t for inc in train for t in inc.techniques).most_common(k)]
        folds.append(
            FoldResult(
                test.incident_id,
                list(test.techniques),
                [s.technique_id for s in suggestions],
                frequent,
                sum(1 for s in suggestions if s.sentences),
                asdict(model.weights),
            )
        )
    n = len(folds) or 1

    def mean(values) -> float:
        return round(sum(values) / n, 4)

    return EvalResult(
        k=k,
        incidents=len(folds),
        recall=mean(len(set(f.gold) & set(f.suggested)) / len(f.gold) for f in folds),
        precision=mean(len(set(f.gold) & set(f.suggested)) / k for f in folds),
        baseline_recall=mean(len(set(f.gold) & set(f.baseline)) / len(f.gold) for f in folds),
        baseline_precision=mean(len(set(f.gold) & set(f.baseline)) / k for f in folds),
        supported_fraction=round(sum(f.supported for f in folds) / max(1, sum(len(f.suggested) for f in folds)), 4),
        folds=folds,
    )
