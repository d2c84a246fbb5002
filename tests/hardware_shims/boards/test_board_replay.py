import numpy as np
import pytest
import yaml

from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.boards.errors import LatencyProfileError, ModelError
from hardware_shims.boards.latency_profiles import (
    PROFILES_DIR,
    available_profiles,
    load_profile,
)
from hardware_shims.boards.replay import ReplayBoard
from hardware_shims.errors import MalformedURIError
from hardware_shims.registry import boards

SHIPPED = ["ascend-310b", "cpu-laptop", "jetson-nano", "jetson-orin-nano"]


def _latencies(uri, model, image, runs=5):
    with ReplayBoard(uri) as board:
        board.load(model)
        return [board.run(image).latency_ms for _ in range(runs)]


def test_replay_outputs_equal_cpu_outputs(onnx_model, golden_inputs):
    with ReplayBoard("replay://jetson-orin-nano") as replay, CpuBoard("cpu://") as cpu:
        replay.load(onnx_model)
        cpu.load(onnx_model)
        for image in golden_inputs:
            np.testing.assert_array_equal(
                replay.run(image).outputs["output"], cpu.run(image).outputs["output"]
            )


def test_replay_latency_is_estimated(onnx_model, image):
    with ReplayBoard("replay://jetson-orin-nano") as board:
        assert board.load(onnx_model).run(image).latency_kind == "estimated"


def test_replay_result_carries_the_profile_provenance(onnx_model, image):
    with ReplayBoard("replay://jetson-nano") as board:
        provenance = board.load(onnx_model).run(image).provenance
    assert provenance.startswith("estimated for jetson-nano") and "472 GFLOPS" in provenance


def test_replay_reports_the_cpu_reference_latency(onnx_model, image):
    with ReplayBoard("replay://ascend-310b") as board:
        assert board.load(onnx_model).run(image).extra["reference_latency_ms"] > 0


def test_replay_benchmark_says_estimated(onnx_model, image):
    with ReplayBoard("replay://jetson-orin-nano") as board:
        assert board.load(onnx_model).benchmark(image, runs=5, warmup=0).kind == "estimated"


def test_same_seed_gives_the_same_latencies(onnx_model, image):
    uri = "replay://jetson-orin-nano?seed=7"
    assert _latencies(uri, onnx_model, image) == _latencies(uri, onnx_model, image)


def test_different_seeds_give_different_latencies(onnx_model, image):
    first = _latencies("replay://jetson-orin-nano?seed=1", onnx_model, image)
    assert first != _latencies("replay://jetson-orin-nano?seed=2", onnx_model, image)


def test_more_flops_give_a_larger_estimate(onnx_model, big_onnx_model, image):
    # Same seed, so the jitter factors are identical and only the work differs.
    small = _latencies("replay://jetson-nano?seed=3", onnx_model, image)
    big = _latencies("replay://jetson-nano?seed=3", big_onnx_model, image)
    assert all(b > s for s, b in zip(small, big, strict=True))


def test_slower_board_gets_a_larger_nominal_estimate(big_onnx_model, image):
    nominal = {}
    for name in ("jetson-orin-nano", "jetson-nano"):
        with ReplayBoard(f"replay://{name}") as board:
            nominal[name] = board.load(big_onnx_model).run(image).extra["nominal_ms"]
    assert nominal["jetson-nano"] > nominal["jetson-orin-nano"]


def test_nominal_estimate_follows_the_formula(onnx_model, image):
    profile = load_profile("jetson-nano")
    with ReplayBoard("replay://jetson-nano") as board:
        extra = board.load(onnx_model).run(image).extra
    peak = profile.peak_tops["fp16"] * 1e12 * profile.efficiency
    assert extra["nominal_ms"] == pytest.approx(
        profile.overhead_ms + 2 * extra["macs"] / peak * 1000
    )


def test_precision_changes_the_estimate(big_onnx_model, image):
    nominal = {}
    for precision in ("fp32", "fp16"):
        with ReplayBoard(f"replay://jetson-nano?precision={precision}") as board:
            nominal[precision] = board.load(big_onnx_model).run(image).extra["nominal_ms"]
    assert nominal["fp32"] > nominal["fp16"]


def test_unknown_profile_lists_the_available_ones():
    with pytest.raises(LatencyProfileError, match=r"'jetson-xavier'.*jetson-orin-nano"):
        boards.open("replay://jetson-xavier")


def test_empty_profile_name_lists_the_available_ones():
    with pytest.raises(LatencyProfileError, match="available: ascend-310b"):
        ReplayBoard("replay://")


def test_precision_the_profile_lacks_is_named():
    with pytest.raises(LatencyProfileError, match=r"no int8 figure.*fp32, fp16"):
        ReplayBoard("replay://jetson-nano?precision=int8")


def test_bad_seed_is_rejected():
    with pytest.raises(MalformedURIError, match="seed"):
        ReplayBoard("replay://jetson-nano?seed=abc")


def test_replay_refuses_an_om_file_with_a_hint(tmp_path):
    om = tmp_path / "m.om"
    om.write_bytes(b"\0")
    with ReplayBoard("replay://ascend-310b") as board, pytest.raises(ModelError, match="ONNX"):
        board.load(om)


def test_shipped_profiles_are_listed():
    assert available_profiles() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_loads_and_explains_itself(name):
    profile = load_profile(name)
    assert profile.name == name and "assumption" in profile.provenance.lower()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_marks_its_assumptions_in_the_yaml(name):
    text = (PROFILES_DIR / f"{name}.yaml").read_text()
    assert text.count("ASSUMPTION") >= 3  # efficiency, overhead and jitter are assumed


def test_profile_missing_a_field_is_named(tmp_path, monkeypatch):
    data = yaml.safe_load((PROFILES_DIR / "cpu-laptop.yaml").read_text())
    del data["efficiency"]
    (tmp_path / "cpu-laptop.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setattr("hardware_shims.boards.latency_profiles.PROFILES_DIR", tmp_path)
    with pytest.raises(LatencyProfileError, match="missing efficiency"):
        load_profile("cpu-laptop")
