import numpy as np
import pytest

from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.boards.errors import BoardUnavailable
from hardware_shims.boards.golden import compare_to_reference
from hardware_shims.registry import boards

# Every built-in scheme; tolerance per target (fp16 engines round, replay is the reference).
TARGETS = [
    ("cpu://", 0.0, 0.0),
    ("replay://jetson-orin-nano", 0.0, 0.0),
    ("cuda://0", 1e-3, 1e-4),
    ("jetson://", 1e-3, 1e-4),
    ("jetson://?precision=fp16", 2e-2, 2e-3),
    ("ascend://0", 2e-2, 2e-3),  # loads the torch module through torch_npu
]


def _open(uri):
    try:
        return boards.open(uri)
    except BoardUnavailable as exc:
        pytest.skip(f"{uri} not available here: {exc.missing}")


@pytest.mark.parametrize("uri, rtol, atol", TARGETS)
def test_board_matches_cpu_reference_on_golden_inputs(uri, rtol, atol, net, onnx_model,
                                                      golden_inputs):
    board_model = net if uri.startswith("ascend") else None
    with _open(uri) as board:
        try:
            report = compare_to_reference(board, onnx_model, golden_inputs, rtol, atol,
                                          board_model=board_model)
        except BoardUnavailable as exc:  # e.g. pyACL present but torch_npu missing
            pytest.skip(f"{uri} cannot run this model here: {exc.missing}")
    report.assert_ok()


def test_cpu_against_cpu_is_exact(onnx_model, golden_inputs):
    with CpuBoard("cpu://") as board:
        report = compare_to_reference(board, onnx_model, golden_inputs, rtol=0, atol=0)
    assert report.outputs["output"].max_abs == 0.0


def test_report_counts_every_golden_input(onnx_model, golden_inputs):
    with CpuBoard("cpu://") as board:
        assert compare_to_reference(board, onnx_model, golden_inputs).samples == 3


def test_a_single_array_is_one_golden_input(onnx_model, image):
    with CpuBoard("cpu://") as board:
        assert compare_to_reference(board, onnx_model, image).samples == 1


def test_a_different_model_on_the_board_is_a_mismatch(onnx_model, golden_inputs, make_net,
                                                      export_onnx, tmp_path):
    other = export_onnx(make_net(seed=1), tmp_path / "other.onnx")
    with CpuBoard("cpu://") as board:
        report = compare_to_reference(board, onnx_model, golden_inputs, board_model=other)
    assert not report.ok and report.outputs["output"].max_abs > 0


def test_assert_ok_names_the_mismatching_output(onnx_model, golden_inputs, make_net,
                                                export_onnx, tmp_path):
    other = export_onnx(make_net(seed=1), tmp_path / "other.onnx")
    with CpuBoard("cpu://") as board:
        report = compare_to_reference(board, onnx_model, golden_inputs, board_model=other)
    with pytest.raises(AssertionError, match=r"output: max abs .* MISMATCH"):
        report.assert_ok()


def test_small_error_within_tolerance_passes(onnx_model, golden_inputs, monkeypatch):
    with CpuBoard("cpu://") as board:
        real_infer = board._infer
        # A board that rounds like fp16 would: off by about 1e-4 relative.
        monkeypatch.setattr(board, "_infer", lambda feeds: {
            k: v * np.float32(1 + 1e-4) for k, v in real_infer(feeds).items()
        })
        report = compare_to_reference(board, onnx_model, golden_inputs, rtol=1e-3, atol=1e-6)
    assert report.ok and report.outputs["output"].max_rel == pytest.approx(1e-4, rel=0.05)


def test_empty_golden_inputs_are_refused(onnx_model):
    with CpuBoard("cpu://") as board, pytest.raises(ValueError, match="empty"):
        compare_to_reference(board, onnx_model, [])
