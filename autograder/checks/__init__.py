"""Grading helpers for nbgrader test cells, with failure messages a student can act on.

    from autograder.checks import check_mask
    check_mask(defect_mask(frame.image), frame.truth, min_iou=0.8)

Every check first verifies that the numpy/math/time functions it relies on are
still the originals captured when this package was imported (student code runs
in the same kernel and could replace them), then computes only with those.
A failed check raises `CheckFailed` (an AssertionError); replaced functions
raise `TamperingDetected` (also an AssertionError) naming them.
"""

from ._common import CheckFailed
from ._trusted import TamperingDetected, verify_untampered
from .classification import (
    ClassificationReport,
    ClassScores,
    check_classification,
    classification_report,
)
from .credit import partial_credit, show_message
from .detections import (
    DetectionScores,
    Matching,
    box_iou,
    check_detections,
    detection_scores,
    match_detections,
)
from .images import ImageDifference, check_image, compare_images
from .latency import LatencyVerdict, check_latency
from .masks import MaskScore, check_mask, dice, iou

__all__ = [
    "CheckFailed", "ClassScores", "ClassificationReport", "DetectionScores", "ImageDifference",
    "LatencyVerdict", "MaskScore", "Matching", "TamperingDetected", "box_iou",
    "check_classification", "check_detections", "check_image", "check_latency", "check_mask",
    "classification_report", "compare_images", "detection_scores", "dice", "iou",
    "match_detections", "partial_credit", "show_message", "verify_untampered",
]
