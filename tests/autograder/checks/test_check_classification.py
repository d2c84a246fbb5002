"""Classification metrics against hand-computed numbers; per-class messages."""

import numpy as np
import pytest

from autograder.checks import CheckFailed, check_classification, classification_report

# 6 good parts (5 called good, 1 scratch); 4 scratched (1 scratch, 2 good, 1 dent).
Y_TRUE = ["good"] * 6 + ["scratch"] * 4
Y_PRED = ["good"] * 5 + ["scratch"] + ["scratch", "good", "good", "dent"]


def test_confusion_matrix_rows_are_true_classes_in_label_order():
    report = classification_report(Y_TRUE, Y_PRED, labels=["good", "scratch", "dent"])
    assert report.confusion == [[5, 1, 0], [2, 1, 1], [0, 0, 0]]
    assert report.count("scratch", "good") == 2


def test_per_class_precision_recall_f1_match_hand_computation():
    report = classification_report(Y_TRUE, Y_PRED)
    assert report.labels == ["dent", "good", "scratch"]  # sorted when not given
    good, scratch = report.per_class["good"], report.per_class["scratch"]
    assert (good.precision, good.recall) == (pytest.approx(5 / 7), pytest.approx(5 / 6))
    assert good.f1 == pytest.approx(10 / 13) and good.support == 6
    assert (scratch.precision, scratch.recall) == (0.5, 0.25)
    assert scratch.f1 == pytest.approx(1 / 3)
    assert report.accuracy == pytest.approx(0.6)


def test_numpy_integer_labels_compare_equal_to_python_labels():
    report = classification_report(np.array([0, 1, 1]), np.array([0, 1, 0]), labels=[0, 1])
    assert report.per_class[1].recall == 0.5


def test_low_recall_names_the_class_the_counts_and_where_the_parts_went():
    with pytest.raises(CheckFailed) as failure:
        check_classification(Y_TRUE, Y_PRED, min_recall_per_class={"scratch": 0.8})
    message = str(failure.value)
    assert "Class 'scratch': recall 0.25 (need at least 0.80)" in message
    assert "recognised 1 of 4 'scratch' parts" in message
    assert "2 as 'good', 1 as 'dent'" in message
    assert "Class 'good'" not in message  # only the class the mapping names is checked


def test_low_precision_names_what_the_parts_really_were():
    with pytest.raises(CheckFailed) as failure:
        check_classification(Y_TRUE, Y_PRED, min_recall_per_class=None, min_precision=0.75)
    lines = str(failure.value).split("\n")
    assert lines[0].startswith("Class 'dent': precision 0.00")
    assert ("Class 'good': precision 0.71 (need at least 0.75): of the 7 parts you called "
            "'good', 2 were not (2 really 'scratch')") in lines[1]


def test_a_good_classifier_passes_and_returns_the_report():
    report = check_classification(Y_TRUE, Y_TRUE, min_recall_per_class=1.0, min_precision=1.0)
    assert report.accuracy == 1.0


def test_unknown_predicted_labels_and_length_mismatch_are_explained():
    with pytest.raises(CheckFailed, match=r"contain \['Scratch'\].*spelling"):
        check_classification(["good", "scratch"], ["good", "Scratch"], labels=["good", "scratch"])
    with pytest.raises(CheckFailed, match="3 predictions for 2 parts"):
        classification_report(["good", "scratch"], ["good", "good", "good"])
