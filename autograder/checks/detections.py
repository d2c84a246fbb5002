"""Defect detections as boxes: greedy matching by score, precision/recall/F1, `check_detections`.

Boxes are corners (x1, y1, x2, y2) in pixels, as cv2.boundingRect gives after
x2 = x + w, y2 = y + h. A prediction is a true positive when it overlaps a
not-yet-matched true box of the same class with IoU >= iou_threshold;
predictions are matched in order of falling score, like the PASCAL VOC and COCO
evaluations, so a duplicate box around an already-found defect is a false positive.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy

from ._common import CheckFailed, as_array, check_threshold, ratio
from ._trusted import np_, verify_untampered

#: An FP overlapping a true box by at least this much is a near miss, not a false alarm.
NEAR_MISS_IOU = 0.1


@dataclass(frozen=True)
class Matching:
    """Which predictions found which defects (indices into the inputs)."""

    true_positives: list[tuple[int, int, float]]  # (prediction, truth, IoU)
    false_positives: list[int]  # predictions that found no defect
    false_negatives: list[int]  # defects no prediction found


@dataclass(frozen=True)
class DetectionScores:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    per_class: dict[Hashable, DetectionScores] = field(default_factory=dict)

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> DetectionScores:
        # Nothing predicted: no false alarms (precision 1); nothing to find: recall 1.
        precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, tp, fp, fn)


def _boxes(boxes: object, what: str, scored: bool = False) -> numpy.ndarray:
    array = as_array(boxes, what)
    array = (array.reshape(0, 4) if array.size == 0 else array).astype("float64")
    if array.ndim == 2 and scored and array.shape[1] == 5:
        array = array[:, :4]  # (x1, y1, x2, y2, score) rows: the score is read separately
    if array.ndim != 2 or array.shape[1] != 4:
        raise CheckFailed(f"Your {what} have shape {array.shape}; expected one row of four "
                          "numbers (x1, y1, x2, y2) per box, i.e. shape (N, 4)"
                          + (", or (N, 5) with a score last." if scored else "."))
    if not bool(np_.isfinite(array).all()):
        raise CheckFailed(f"Your {what} contain NaN or infinite coordinates.")
    for index, (x1, y1, x2, y2) in enumerate(array.tolist()):
        if x2 <= x1 or y2 <= y1:
            raise CheckFailed(
                f"Your {what} number {index} is ({x1:g}, {y1:g}, {x2:g}, {y2:g}): x2 must be "
                "greater than x1 and y2 greater than y1. Boxes are corners (x1, y1, x2, y2); "
                "if you have cv2.boundingRect's (x, y, w, h), use (x, y, x + w, y + h)."
            )
    return array


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """IoU of two (x1, y1, x2, y2) boxes in continuous pixel coordinates."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0.0) * max(h, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _labels(labels: object, count: int, what: str) -> list[Hashable] | None:
    if labels is None:
        return None
    values = list(labels)
    if len(values) != count:
        raise CheckFailed(f"You gave {len(values)} {what} for {count} boxes; give one per box.")
    return [v.item() if hasattr(v, "item") else v for v in values]  # numpy scalars -> Python


def _predictions(pred_boxes: object,
                 pred_scores: object) -> tuple[list[list[float]], list[float] | None]:
    """Boxes as Python floats, and their scores: given, or a fifth column, or None."""
    array = as_array(pred_boxes, "predicted boxes")
    boxes = _boxes(array, "predicted boxes", scored=True).tolist()
    if pred_scores is None and array.ndim == 2 and array.shape[1] == 5:
        pred_scores = array[:, 4]
    if pred_scores is None:
        return boxes, None
    scores = as_array(pred_scores, "scores").astype("float64").ravel().tolist()
    if len(scores) != len(boxes):
        raise CheckFailed(f"You gave {len(scores)} scores for {len(boxes)} boxes; "
                          "give one confidence score per box.")
    return boxes, scores


def match_detections(pred_boxes: object, true_boxes: object, iou_threshold: float = 0.5,
                     pred_scores: object = None, pred_labels: object = None,
                     true_labels: object = None) -> Matching:
    """Greedy one-to-one matching of predictions to true boxes, highest score first.

    Scores come from `pred_scores` or a fifth column of `pred_boxes`; without
    them, predictions keep their given order. With labels, a prediction only
    matches a true box of the same label.
    """
    verify_untampered()
    iou_threshold = check_threshold(iou_threshold, "iou_threshold")
    pred, scores = _predictions(pred_boxes, pred_scores)
    true = _boxes(true_boxes, "true boxes").tolist()
    p_lab = _labels(pred_labels, len(pred), "predicted labels")
    t_lab = _labels(true_labels, len(true), "true labels")
    if (p_lab is None) != (t_lab is None):
        raise ValueError("give labels for both predictions and truths, or for neither")
    order = list(range(len(pred)))
    if scores is not None:
        order = sorted(order, key=lambda i: -scores[i])  # stable: ties keep input order
    matched: dict[int, int] = {}
    tps = []
    for p in order:
        best, best_iou = None, 0.0
        for t in range(len(true)):
            if t in matched or (t_lab is not None and t_lab[t] != p_lab[p]):
                continue
            overlap = box_iou(pred[p], true[t])
            if overlap >= iou_threshold and (best is None or overlap > best_iou):
                best, best_iou = t, overlap  # ties: the first true box keeps it
        if best is not None:
            matched[best] = p
            tps.append((p, best, best_iou))
    found = {p for p, _, _ in tps}
    return Matching(tps, [p for p in order if p not in found],
                    [t for t in range(len(true)) if t not in matched])


def detection_scores(pred_boxes: object, true_boxes: object, iou_threshold: float = 0.5,
                     pred_scores: object = None, pred_labels: object = None,
                     true_labels: object = None) -> DetectionScores:
    """Precision, recall and F1 over all boxes, and per class when labels are given."""
    m = match_detections(pred_boxes, true_boxes, iou_threshold, pred_scores, pred_labels,
                         true_labels)
    total = DetectionScores.from_counts(len(m.true_positives), len(m.false_positives),
                                        len(m.false_negatives))
    if pred_labels is None:
        return total
    p_lab = _labels(pred_labels, len(m.true_positives) + len(m.false_positives), "labels")
    t_lab = _labels(true_labels, len(m.true_positives) + len(m.false_negatives), "labels")
    per_class = {}
    for label in dict.fromkeys(t_lab + p_lab):  # truth labels first, in order of appearance
        tp = sum(1 for p, _, _ in m.true_positives if p_lab[p] == label)
        fp = sum(1 for p in m.false_positives if p_lab[p] == label)
        fn = sum(1 for t in m.false_negatives if t_lab[t] == label)
        per_class[label] = DetectionScores.from_counts(tp, fp, fn)
    return DetectionScores(total.precision, total.recall, total.f1, total.tp, total.fp,
                           total.fn, per_class)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _box(box: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in box) + ")"


def check_detections(pred_boxes: object, true_boxes: object, min_precision: float = 0.8,
                     min_recall: float = 0.8, iou_threshold: float = 0.5,
                     pred_scores: object = None, pred_labels: object = None,
                     true_labels: object = None) -> DetectionScores:
    """Fail unless the predicted boxes reach min_precision and min_recall; return the scores."""
    min_precision = check_threshold(min_precision, "min_precision")
    min_recall = check_threshold(min_recall, "min_recall")
    scores = detection_scores(pred_boxes, true_boxes, iou_threshold, pred_scores,
                              pred_labels, true_labels)
    m = match_detections(pred_boxes, true_boxes, iou_threshold, pred_scores, pred_labels,
                         true_labels)
    pred = _predictions(pred_boxes, pred_scores)[0]
    true = _boxes(true_boxes, "true boxes").tolist()
    problems = []
    if scores.recall < min_recall:
        first = true[m.false_negatives[0]]
        problems.append(
            f"You found {scores.tp} of {scores.tp + scores.fn} defects (recall "
            f"{scores.recall:.2f}, need at least {min_recall:.2f}); missed, for example, the "
            f"defect at {_box(first)}. Is your threshold too strict or your minimum blob "
            "area too large?"
        )
    if scores.precision < min_precision:
        found = {t for _, t, _ in m.true_positives}
        duplicates, wrong_class, near = 0, 0, []
        for p in m.false_positives:
            overlaps = [(box_iou(pred[p], true[t]), t) for t in range(len(true))]
            best = max(overlaps, default=(0.0, -1))
            if best[0] >= iou_threshold and best[1] in found:
                duplicates += 1
            elif best[0] >= iou_threshold:  # only labels can have kept it from matching
                wrong_class += 1
            elif best[0] >= NEAR_MISS_IOU:
                near.append((p, best))
        causes = [f"{scores.fp} of your {scores.tp + scores.fp} boxes match no defect "
                  f"(precision {scores.precision:.2f}, need at least {min_precision:.2f})."]
        if duplicates:
            causes.append(f"{_count(duplicates, 'box duplicates', 'boxes duplicate')} a defect "
                          "you already found: merge overlapping boxes (non-maximum "
                          "suppression, or cv2.dilate before finding contours).")
        if wrong_class:
            causes.append(f"{_count(wrong_class, 'box sits', 'boxes sit')} on a defect with "
                          "the wrong class label: check how you decide the defect type.")
        if near:
            p, (overlap, t) = near[0]
            partly = _count(len(near), "box only partly overlaps", "boxes only partly overlap")
            causes.append(f"{partly} a defect, e.g. your {_box(pred[p])} vs the defect "
                          f"{_box(true[t])} (IoU {overlap:.2f} < {iou_threshold:.2f}): are your "
                          "boxes too loose, or (x, y, w, h) instead of (x1, y1, x2, y2)?")
        others = scores.fp - len(near) - duplicates - wrong_class
        if others:
            causes.append(f"{_count(others, 'box is', 'boxes are')} on clean surface: is your "
                          "threshold too loose, or is texture or dust passing your filter?")
        problems.append(" ".join(causes))
    if problems:
        raise CheckFailed(" ".join(problems))
    return scores
