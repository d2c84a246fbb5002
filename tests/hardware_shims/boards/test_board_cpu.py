import numpy as np
import pytest
import torch

from hardware_shims.boards.base import PROGRESS_MIN_RUNS, Board
from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.errors import MalformedURIError, ShimError
from hardware_shims.registry import boards


def _torch_forward(net, image):
    with torch.no_grad():
        return net(torch.from_numpy(image)).numpy()


def test_cpu_outputs_match_torch_on_golden_inputs(net, onnx_model, golden_inputs):
    with CpuBoard("cpu://") as board:
        board.load(onnx_model)
        for image in golden_inputs:
            got = board.run(image).outputs["output"]
            np.testing.assert_allclose(got, _torch_forward(net, image), rtol=1e-5, atol=1e-6)


def test_in_memory_module_is_exported_on_first_run(net, image):
    with CpuBoard("cpu://") as board:
        got = board.load(net).run(image).outputs["output"]
    np.testing.assert_allclose(got, _torch_forward(net, image), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.trace, test-side only
def test_torchscript_file_runs_like_the_module(net, image, tmp_path):
    path = tmp_path / "tiny.pt"
    torch.jit.trace(net, torch.from_numpy(image)).save(str(path))
    with CpuBoard("cpu://") as board:
        got = board.load(path, example_inputs=image).run(image).outputs["output"]
    np.testing.assert_allclose(got, _torch_forward(net, image), rtol=1e-5, atol=1e-6)


def test_result_says_measured_and_names_the_board(onnx_model, image):
    with CpuBoard("cpu://?threads=1") as board:
        result = board.load(onnx_model).run(image)
    assert (result.latency_kind, result.board) == ("measured", "cpu://?threads=1")


def test_measured_latency_is_positive(onnx_model, image):
    with CpuBoard("cpu://") as board:
        assert board.load(onnx_model).run(image).latency_ms > 0


def test_a_batch_runs_through_the_dynamic_batch_axis(onnx_model, golden_inputs):
    batch = np.concatenate(golden_inputs)
    with CpuBoard("cpu://") as board:
        assert board.load(onnx_model).run(batch).outputs["output"].shape == (3, 2)


def test_benchmark_percentiles_are_ordered(onnx_model, image):
    with CpuBoard("cpu://") as board:
        stats = board.load(onnx_model).benchmark(image, runs=30, warmup=2)
    assert stats.p50_ms <= stats.p90_ms <= stats.p99_ms <= stats.max_ms


def test_benchmark_counts_only_timed_runs(onnx_model, image):
    with CpuBoard("cpu://") as board:
        stats = board.load(onnx_model).benchmark(image, runs=7, warmup=3)
    assert (stats.runs, stats.kind) == (7, "measured")


def test_long_benchmark_shows_a_progress_bar(onnx_model, image, capsys):
    with CpuBoard("cpu://") as board:
        board.load(onnx_model).benchmark(image, runs=PROGRESS_MIN_RUNS, warmup=0)
    assert "benchmark cpu://" in capsys.readouterr().err


def test_short_benchmark_shows_no_progress_bar(onnx_model, image, capsys):
    with CpuBoard("cpu://") as board:
        board.load(onnx_model).benchmark(image, runs=5, warmup=0)
    assert "benchmark" not in capsys.readouterr().err


def test_board_fits_takt_uses_the_last_benchmark(onnx_model, image):
    with CpuBoard("cpu://") as board:
        board.load(onnx_model).benchmark(image, runs=10, warmup=1)
        assert board.fits_takt(takt_s=10.0) and not board.fits_takt(takt_s=1e-9)


def test_fits_takt_before_benchmark_says_what_to_do(onnx_model):
    with CpuBoard("cpu://") as board, pytest.raises(ShimError, match=r"benchmark\(inputs\)"):
        board.load(onnx_model).fits_takt(1.0)


def test_run_before_load_says_what_to_do(image):
    with CpuBoard("cpu://") as board, pytest.raises(ShimError, match=r"board\.load"):
        board.run(image)


def test_closed_board_refuses_to_run(onnx_model, image):
    board = CpuBoard("cpu://").load(onnx_model)
    board.close()
    with pytest.raises(ShimError, match="closed"):
        board.run(image)


def test_close_removes_the_exported_model(net, image):
    board = CpuBoard("cpu://")
    board.load(net).run(image)
    exported = board.model_path
    board.close()
    assert exported is not None and not exported.exists()


def test_registry_opens_cpu_board():
    with boards.open("cpu://") as board:
        assert isinstance(board, CpuBoard) and isinstance(board, Board)


def test_cpu_with_a_path_is_rejected():
    with pytest.raises(MalformedURIError, match="cpu:// takes no path"):
        CpuBoard("cpu://gpu0")


def test_unknown_cpu_parameter_is_rejected():
    with pytest.raises(MalformedURIError, match="thread"):
        CpuBoard("cpu://?thread=2")
