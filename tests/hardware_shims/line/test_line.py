"""The line simulation: its timing arithmetic, the ways a pick misses, determinism, errors."""

from __future__ import annotations

import math
import time

import pytest

from hardware_shims.line import (
    ArmTiming,
    ControllerError,
    LineConfig,
    measure_pick_timing,
    run_line,
)

# A flat arm: 0.2 s to reach anywhere in the window, 1.0 s from touch back to waiting.
FLAT = ArmTiming((-100.0, 100.0), (0.2, 0.2), (1.0, 1.0))
# No jitter: part i crosses the photo-eye at exactly i * takt_s.
EXACT = dict(takt_s=1.0, speed_mm_s=200.0, pick_mm=(400.0,), pick_window_mm=200.0,
             frame_s=0.03, decide_s=0.002, gap_jitter_mm=0.0)


def parts(labels):
    return [{"label": label} for label in labels]


def inspect_truth(part):
    return {"defective": part["label"] != "good"}


def at_centre(event):
    """Reject a defective part, the cup meeting it at the window centre (400 mm / 200 mm/s)."""
    if not event["result"]["defective"]:
        return {"reject": False}
    return {"reject": True, "pick_s": event["trigger_s"] + 2.0, "arm": 0}


def test_timing_arithmetic_of_one_part():
    run = run_line(LineConfig(**EXACT), parts(["good", "scratch"]), inspect_truth, at_centre,
                   FLAT, latency_s=0.1)
    good, bad = run.parts
    assert bad["trigger_s"] == pytest.approx(1.0)
    assert bad["frame_s"] == pytest.approx(1.03)
    assert bad["inspect_done_s"] == pytest.approx(1.13)
    assert bad["decision_s"] == pytest.approx(1.132)
    assert bad["arm_start_s"] == pytest.approx(3.0 - 0.2)
    assert bad["arm_end_s"] == pytest.approx(3.0 + 1.0)
    assert good["outcome"] == "passed" and bad["outcome"] == "picked"
    assert run.scores["escapes"] == 0 and run.scores["false_rejects"] == 0
    assert run.scores["takt_kept"] and run.scores["max_queue_s"] == 0.0


def test_a_busy_arm_misses_the_second_of_two_defects_in_a_row():
    run = run_line(LineConfig(**EXACT), parts(["pit", "pit", "good"]), inspect_truth, at_centre,
                   FLAT, latency_s=0.1)
    first, second, _ = run.parts
    assert first["outcome"] == "picked"
    # the arm is back at 2.0 + 1.0 = 3.0 s; the second pick would leave at 3.0 - 0.2 s
    assert second["outcome"] == "missed" and second["miss"] == "busy"
    assert run.scores["escapes"] == 1 and run.scores["escapes_handling"] == 1
    assert run.scores["missed_busy"] == 1


def test_waiting_for_the_arm_inside_the_window_catches_both():
    def wait_for_arm(event):
        if not event["result"]["defective"]:
            return {"reject": False}
        enters = event["trigger_s"] + (400.0 - 100.0) / 200.0
        return {"reject": True, "pick_s": max(enters, event["arms_free_s"][0] + 0.2), "arm": 0}

    run = run_line(LineConfig(**EXACT), parts(["pit", "pit"]), inspect_truth, wait_for_arm,
                   FLAT, latency_s=0.1)
    assert [r["outcome"] for r in run.parts] == ["picked", "picked"]
    assert run.parts[1]["pick_s"] == pytest.approx(1.5 + 1.0 + 0.2)


def test_a_late_decision_misses_the_window():
    # inspection 2.5 s: the decision arrives after the cup should have left for the centre
    run = run_line(LineConfig(**{**EXACT, "takt_s": 3.0}), parts(["stain"]), inspect_truth,
                   at_centre, FLAT, latency_s=2.5)
    assert run.parts[0]["miss"] == "late"
    assert run.scores["escapes"] == 1


def test_a_pick_outside_the_window_misses():
    def at_photo_eye(event):  # the position of the trigger, not the window downstream
        return {"reject": True, "pick_s": event["now_s"] + 0.3, "arm": 0}

    run = run_line(LineConfig(**EXACT), parts(["scratch"]), inspect_truth, at_photo_eye, FLAT,
                   latency_s=0.05)
    assert run.parts[0]["miss"] == "window"


def test_an_inspection_slower_than_the_takt_breaks_it():
    run = run_line(LineConfig(**EXACT), parts(["good"] * 8), inspect_truth, at_centre, FLAT,
                   latency_s=1.3)
    # each part waits 0.3 s longer than the one before: 7 x 0.3 = 2.1 s for the last
    assert run.scores["max_queue_s"] == pytest.approx(2.1)
    assert not run.scores["takt_kept"]


def test_good_parts_rejected_are_false_rejects():
    run = run_line(LineConfig(**EXACT), parts(["good"]), inspect_truth,
                   lambda e: {"reject": True, "pick_s": e["trigger_s"] + 2.0, "arm": 0}, FLAT)
    assert run.scores["false_rejects"] == 1 and run.scores["escapes"] == 0


def test_a_second_arm_has_its_own_window_and_schedule():
    config = LineConfig(**{**EXACT, "pick_mm": (400.0, 700.0)})

    def two_arms(event):
        if not event["result"]["defective"]:
            return {"reject": False}
        arm = 0 if event["arms_free_s"][0] <= event["trigger_s"] + 1.8 else 1
        return {"reject": True, "pick_s": event["trigger_s"] + config.pick_mm[arm] / 200.0,
                "arm": arm}

    run = run_line(config, parts(["pit", "pit", "pit"]), inspect_truth, two_arms, FLAT)
    assert [r["arm"] for r in run.parts] == [0, 1, 0]
    assert run.scores["escapes"] == 0


def test_same_seed_same_timeline_other_seed_other_gaps():
    config = LineConfig(**{**EXACT, "gap_jitter_mm": 20.0, "seed": 4})
    labels = ["good", "pit", "good", "stain"] * 5

    def timeline(seed):
        run = run_line(LineConfig(**{**EXACT, "gap_jitter_mm": 20.0, "seed": seed}),
                       parts(labels), inspect_truth, at_centre, FLAT,
                       latency_s=lambda rng: rng.uniform(0.05, 0.15))
        return [(r["trigger_s"], r["inspect_done_s"]) for r in run.parts]

    assert timeline(config.seed) == timeline(config.seed)
    assert timeline(4) != timeline(5)


@pytest.mark.parametrize(("action", "says"), [
    (True, "return a dict"),
    ({"reject": "yes"}, "must be True or False"),
    ({"reject": True}, "give the time"),
    ({"reject": True, "pick_s": math.nan}, "give the time"),
    ({"reject": True, "pick_s": 3.0, "arm": 2}, "numbered 0 to 0"),
    ({"reject": False, "bin": "scrap"}, "unknown keys"),
])
def test_bad_controller_output_says_what_to_return(action, says):
    with pytest.raises(ControllerError, match=says) as caught:
        run_line(LineConfig(**EXACT), parts(["pit"]), inspect_truth, lambda e: action, FLAT)
    assert "part 0" in str(caught.value)
    assert isinstance(caught.value, ValueError)  # a proxied student function sees ValueError


def test_bad_line_layout_is_refused():
    with pytest.raises(ValueError, match="pick_mm"):
        LineConfig(pick_mm=(100.0,), pick_window_mm=300.0)
    with pytest.raises(ValueError, match="takt_s"):
        LineConfig(takt_s=0)


def test_pick_timing_measured_on_the_twin_is_plausible_and_cached():
    timing = measure_pick_timing(300.0, 800.0, 3)
    assert timing is measure_pick_timing(300.0, 800.0, 3)
    assert len(timing.reach_s) == 3
    # 80 mm down at up to 800 mm/s, and a round trip of well over half a metre to the bin
    assert all(0.1 <= t <= 1.0 for t in timing.reach_s)
    assert all(0.6 <= t <= 4.0 for t in timing.return_s)
    assert timing.reach(0.0) == pytest.approx(timing.reach_s[1])


def test_board_latency_follows_the_profile_and_measured_latency_times_the_inspector():
    from hardware_shims.boards import load_profile
    from hardware_shims.line import board_latency

    ops = int(28 * 3.6e9)
    nominal_s = load_profile("jetson-nano").nominal_ms(ops, "fp16") / 1000
    run = run_line(LineConfig(**EXACT), parts(["good"] * 50), inspect_truth, at_centre, FLAT,
                   latency_s=board_latency("jetson-nano", ops))
    spent = [r["inspect_done_s"] - r["inspect_start_s"] for r in run.parts]
    assert abs(sum(spent) / len(spent) / nominal_s - 1) < 0.1  # jitter keeps the mean

    def slow_inspector(part):
        time.sleep(0.01)
        return inspect_truth(part)

    run = run_line(LineConfig(**EXACT), parts(["good"] * 3), slow_inspector, at_centre, FLAT,
                   latency_s="measured")
    assert all(r["inspect_done_s"] - r["inspect_start_s"] >= 0.01 for r in run.parts)


def test_timeline_chart_draws_one_row_per_part():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from hardware_shims.line import timeline_chart

    run = run_line(LineConfig(**EXACT), parts(["good", "pit", "pit"]), inspect_truth, at_centre,
                   FLAT)
    ax = timeline_chart(run.parts, title="three covers")
    assert ax.get_xlabel() == "line time (s)" and ax.get_ylim()[0] > ax.get_ylim()[1]
