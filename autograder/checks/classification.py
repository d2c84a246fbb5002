"""Part classification (good / scratch / dent ...) scored on recorded parts the student never saw.

The confusion matrix has one row per true class and one column per predicted
class, in `labels` order (scikit-learn's convention).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from ._common import CheckFailed, as_array, check_threshold, ratio
from ._trusted import verify_untampered


@dataclass(frozen=True)
class ClassScores:
    precision: float  # of the parts called this class, the share that were
    recall: float  # of the parts of this class, the share called so
    f1: float
    support: int  # parts of this class in y_true


@dataclass(frozen=True)
class ClassificationReport:
    labels: list[Hashable]
    confusion: list[list[int]]  # confusion[true][predicted], in labels order
    per_class: dict[Hashable, ClassScores]
    accuracy: float

    def count(self, true: Hashable, predicted: Hashable) -> int:
        """Parts of class `true` that were called `predicted`."""
        return self.confusion[self.labels.index(true)][self.labels.index(predicted)]

    def __str__(self) -> str:
        width = max([len(str(label)) for label in self.labels] + [9])
        lines = [f"{'class':<{width}}  precision  recall     f1  support"]
        for label, s in self.per_class.items():
            lines.append(f"{label!s:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  "
                         f"{s.f1:5.3f}  {s.support:7d}")
        lines.append(f"accuracy {self.accuracy:.3f} over {sum(map(sum, self.confusion))} parts")
        return "\n".join(lines)


def _values(y: object, what: str) -> list[Hashable]:
    array = as_array(y, what)
    if array.ndim != 1:
        raise CheckFailed(f"Your {what} has shape {array.shape}; give one label per part "
                          "(a 1-D list or array). Did you return class scores instead of "
                          "labels? Take the argmax per row.")
    return array.tolist()  # numpy scalars -> Python values, comparable with the labels


def classification_report(y_true: object, y_pred: object,
                          labels: Sequence[Hashable] | None = None) -> ClassificationReport:
    """Per-class precision, recall, F1 and the confusion matrix."""
    verify_untampered()
    truth, pred = _values(y_true, "true labels"), _values(y_pred, "predictions")
    if len(truth) != len(pred):
        raise CheckFailed(f"You gave {len(pred)} predictions for {len(truth)} parts; give "
                          "exactly one prediction per part, in the same order.")
    if labels is None:
        labels = list(dict.fromkeys(truth + pred))  # order of first appearance
        try:
            labels = sorted(labels)
        except TypeError:
            pass  # mixed types: keep first-appearance order
    labels = list(labels)
    unknown = [p for p in dict.fromkeys(pred) if p not in labels]
    if unknown:
        raise CheckFailed(f"Your predictions contain {unknown!r}, which is not a class here "
                          f"(classes: {labels!r}). Check spelling and the type (str vs int).")
    missing = [t for t in dict.fromkeys(truth) if t not in labels]
    if missing:
        raise ValueError(f"true labels {missing!r} are not in labels {labels!r}")
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, pred, strict=True):
        confusion[index[t]][index[p]] += 1
    per_class = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        called = sum(row[i] for row in confusion)
        support = sum(confusion[i])
        precision, recall = ratio(tp, called), ratio(tp, support)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScores(precision, recall, f1, support)
    correct = sum(confusion[i][i] for i in range(len(labels)))
    return ClassificationReport(labels, confusion, per_class, ratio(correct, len(truth)))


def _per_class(level: float | Mapping[Hashable, float] | None, labels: list[Hashable],
               name: str) -> dict[Hashable, float]:
    if level is None:
        return {}
    if isinstance(level, Mapping):
        unknown = [k for k in level if k not in labels]
        if unknown:
            raise ValueError(f"{name} names classes {unknown!r} not in {labels!r}")
        return {k: check_threshold(v, f"{name}[{k!r}]") for k, v in level.items()}
    return dict.fromkeys(labels, check_threshold(level, name))


def _mix(counts: list[tuple[int, Hashable]], how: str) -> str:
    return ", ".join(f"{n} {how} {label!r}" for n, label in sorted(counts, key=lambda c: -c[0]))


def check_classification(y_true: object, y_pred: object,
                         min_recall_per_class: float | Mapping[Hashable, float] | None = 0.8,
                         min_precision: float | Mapping[Hashable, float] | None = None,
                         labels: Sequence[Hashable] | None = None) -> ClassificationReport:
    """Fail unless every class reaches its minimum recall and precision.

    A number applies to every class; a mapping {label: level} to the classes it names.
    """
    report = classification_report(y_true, y_pred, labels)
    problems = []
    for label, need in _per_class(min_recall_per_class, report.labels, "min_recall").items():
        s = report.per_class[label]
        if s.recall < need:
            i = report.labels.index(label)
            wrong = [(n, report.labels[j]) for j, n in enumerate(report.confusion[i])
                     if j != i and n]
            problems.append(
                f"Class {label!r}: recall {s.recall:.2f} (need at least {need:.2f}): you "
                f"recognised {report.confusion[i][i]} of {s.support} {label!r} parts and "
                f"called the others wrongly ({_mix(wrong, 'as')}). Is your decision rule for "
                f"{label!r} too strict?"
            )
    for label, need in _per_class(min_precision, report.labels, "min_precision").items():
        s = report.per_class[label]
        if s.precision < need:
            i = report.labels.index(label)
            wrong = [(row[i], report.labels[j]) for j, row in enumerate(report.confusion)
                     if j != i and row[i]]
            called = sum(row[i] for row in report.confusion)
            problems.append(
                f"Class {label!r}: precision {s.precision:.2f} (need at least {need:.2f}): of "
                f"the {called} parts you called {label!r}, {called - report.confusion[i][i]} "
                f"were not ({_mix(wrong, 'really')}). Is your decision rule for {label!r} too "
                "loose?"
            )
    if problems:
        raise CheckFailed("\n".join(problems))
    return report
