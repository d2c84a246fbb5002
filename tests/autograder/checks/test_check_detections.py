"""Greedy detection matching on hand-made boxes; precision, recall, F1; check_detections."""

import pytest

from autograder.checks import (
    CheckFailed,
    box_iou,
    check_detections,
    detection_scores,
    match_detections,
)

SCRATCH = (10, 10, 30, 20)  # (x1, y1, x2, y2)
DENT = (60, 60, 80, 80)
PIT = (100, 10, 110, 20)


def test_box_iou_of_half_overlapping_boxes():
    assert box_iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert box_iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


def test_a_duplicate_prediction_is_a_false_positive():
    pred = [SCRATCH, (11, 10, 31, 20)]  # second box hugs the same scratch
    m = match_detections(pred, [SCRATCH], pred_scores=[0.9, 0.8])
    assert [(p, t) for p, t, _ in m.true_positives] == [(0, 0)]
    assert m.false_positives == [1] and m.false_negatives == []


def test_the_higher_scoring_duplicate_is_the_one_matched():
    pred = [(11, 10, 31, 20), SCRATCH]
    m = match_detections(pred, [SCRATCH], pred_scores=[0.3, 0.95])
    assert [p for p, _, _ in m.true_positives] == [1] and m.false_positives == [0]


def test_scores_may_come_as_a_fifth_column():
    pred = [(11, 10, 31, 20, 0.3), (*SCRATCH, 0.95)]
    m = match_detections(pred, [SCRATCH])
    assert [p for p, _, _ in m.true_positives] == [1] and m.false_positives == [0]


def test_a_missed_defect_is_a_false_negative():
    m = match_detections([SCRATCH], [SCRATCH, DENT])
    assert m.false_negatives == [1] and m.false_positives == []


def test_a_box_below_the_iou_threshold_does_not_count():
    loose = (10, 10, 50, 20)  # IoU with SCRATCH = 200 / 400 = 0.5
    assert match_detections([loose], [SCRATCH], iou_threshold=0.5).false_positives == []
    assert match_detections([loose], [SCRATCH], iou_threshold=0.6).false_positives == [0]


def test_precision_recall_f1_from_hand_counted_matches():
    # 2 found (scratch, dent), 1 duplicate, 1 false alarm, pit missed: TP 2, FP 2, FN 1.
    pred = [SCRATCH, DENT, (11, 10, 31, 20), (200, 200, 210, 210)]
    s = detection_scores(pred, [SCRATCH, DENT, PIT], pred_scores=[0.9, 0.8, 0.7, 0.6])
    assert (s.tp, s.fp, s.fn) == (2, 2, 1)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_per_class_scores_only_match_the_same_class():
    pred, pred_labels = [SCRATCH, DENT], ["scratch", "scratch"]  # dent called a scratch
    s = detection_scores(pred, [SCRATCH, DENT], pred_labels=pred_labels,
                         true_labels=["scratch", "dent"])
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.per_class["scratch"].precision == 0.5 and s.per_class["scratch"].recall == 1.0
    assert s.per_class["dent"].recall == 0.0 and s.per_class["dent"].fp == 0


def test_no_predictions_and_no_defects_is_perfect():
    s = detection_scores([], [])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_check_detections_names_found_and_missed_defects():
    with pytest.raises(CheckFailed) as failure:
        check_detections([SCRATCH], [SCRATCH, DENT, PIT], min_recall=0.8)
    message = str(failure.value)
    assert "You found 1 of 3 defects (recall 0.33, need at least 0.80)" in message
    assert "(60, 60, 80, 80)" in message


def test_check_detections_explains_duplicates_near_misses_and_false_alarms():
    pred = [SCRATCH, (11, 10, 31, 20), (60, 60, 100, 100), (200, 200, 210, 210)]
    with pytest.raises(CheckFailed) as failure:
        check_detections(pred, [SCRATCH, DENT], min_precision=0.9, min_recall=0.0,
                         pred_scores=[0.9, 0.8, 0.7, 0.6])
    message = str(failure.value)
    assert "3 of your 4 boxes match no defect (precision 0.25, need at least 0.90)" in message
    assert "1 box duplicates a defect you already found" in message
    assert "your (60, 60, 100, 100) vs the defect (60, 60, 80, 80) (IoU 0.25 < 0.50)" in message
    assert "1 box is on clean surface" in message


def test_good_detections_pass_and_return_the_scores():
    assert check_detections([DENT, SCRATCH], [SCRATCH, DENT]).f1 == 1.0


def test_width_height_boxes_are_caught_with_a_conversion_hint():
    with pytest.raises(CheckFailed, match=r"number 0 is \(50, 50, 10, 10\).*\(x, y, x \+ w"):
        check_detections([(50, 50, 10, 10)], [DENT])
