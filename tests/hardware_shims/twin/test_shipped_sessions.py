"""The shipped backboard sessions: reproducible, labelled, and within the data budget."""

from collections import Counter
from pathlib import Path

import pytest

from hardware_shims import SessionReader
from hardware_shims.tools.make_sessions import LINES, SESSIONS_DIR, check_sessions

REPO = Path(__file__).resolve().parents[3]
DATA_BUDGET_MB = 30


def _frames(name):
    return list(SessionReader(SESSIONS_DIR / "backboard" / f"{name}.mcap").frames())


def test_regeneration_matches_the_shipped_checksums():
    assert check_sessions() == []


def test_all_repository_data_stays_within_budget():
    data = [p for p in REPO.rglob("*") if p.suffix in {".mcap", ".png", ".jpg", ".npz", ".onnx"}
            and ".venv" not in p.parts and "_build" not in p.parts and p.is_file()]
    total_mb = sum(p.stat().st_size for p in data) / 1e6
    assert total_mb <= DATA_BUDGET_MB, f"{total_mb:.1f} MB of data in the repository"


def test_training_line_is_mostly_good_parts():
    labels = Counter(f.label for f in _frames("training"))
    assert labels["good"] >= 0.7 * sum(labels.values())


def test_evaluation_line_has_every_defect_type_and_every_light():
    frames = _frames("evaluation")
    assert {f.label for f in frames} >= {"scratch", "pit", "stain", "edge-chip", "print-offset"}
    assert {f.light for f in frames} == {"bright-field", "dark-field", "coaxial", "low-angle"}


@pytest.mark.parametrize("line", LINES, ids=lambda line: line.name)
def test_every_frame_carries_ground_truth_and_scale(line):
    for frame in _frames(line.name):
        assert frame.defect_mask is not None and frame.extra["mm_per_px"] > 0
        assert (frame.label == "good") == (not frame.defect_mask.any())
