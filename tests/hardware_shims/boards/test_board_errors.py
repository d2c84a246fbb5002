import numpy as np
import pytest

from hardware_shims.boards import open_board
from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.boards.errors import InputError, ModelError
from hardware_shims.errors import UnknownSchemeError
from hardware_shims.registry import boards


def test_unknown_scheme_names_it_and_lists_board_schemes():
    with pytest.raises(UnknownSchemeError, match=r"no board backend for 'tpu://'.*cpu://"):
        boards.open("tpu://0")


def test_open_board_with_unknown_scheme_raises_too():
    with pytest.raises(UnknownSchemeError, match="tpu://"):
        open_board("tpu://0")


def test_missing_model_file_is_named(tmp_path):
    missing = tmp_path / "defects.onnx"
    with CpuBoard("cpu://") as board, pytest.raises(ModelError, match=r"defects\.onnx.*not exist"):
        board.load(missing)


def test_om_file_on_cpu_says_where_it_runs(tmp_path):
    om = tmp_path / "defects.om"
    om.write_bytes(b"\0")
    with CpuBoard("cpu://") as board, pytest.raises(ModelError, match="ascend://0"):
        board.load(om)


def test_corrupt_onnx_file_is_named(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a protobuf")
    with CpuBoard("cpu://") as board, pytest.raises(ModelError, match=r"broken\.onnx"):
        board.load(bad)


def test_non_torchscript_pt_file_says_how_to_save_it(tmp_path):
    bad = tmp_path / "weights.pt"
    bad.write_bytes(b"not torchscript")
    with CpuBoard("cpu://") as board, pytest.raises(ModelError, match=r"torch\.jit\.script"):
        board.load(bad)


def test_unsupported_model_object_is_refused():
    with CpuBoard("cpu://") as board, pytest.raises(ModelError, match="cannot load dict"):
        board.load({"weights": 1})


def test_wrong_input_shape_names_input_and_expected_shape(onnx_model):
    image = np.zeros((1, 3, 32, 32), np.float32)  # colour image into a mono model
    with CpuBoard("cpu://") as board, pytest.raises(
        InputError, match=r"'input'.*\(1, 3, 32, 32\).*\(N, 1, 32, 32\)"
    ):
        board.load(onnx_model).run(image)


def test_wrong_rank_is_refused(onnx_model):
    with CpuBoard("cpu://") as board, pytest.raises(InputError, match=r"shape \(32, 32\)"):
        board.load(onnx_model).run(np.zeros((32, 32), np.float32))


def test_wrong_dtype_says_how_to_convert(onnx_model):
    image = np.zeros((1, 1, 32, 32), np.float64)
    with CpuBoard("cpu://") as board, pytest.raises(InputError, match=r"astype\(np\.float32\)"):
        board.load(onnx_model).run(image)


def test_unknown_input_name_is_named(onnx_model, image):
    with CpuBoard("cpu://") as board, pytest.raises(InputError, match=r"unknown \['img'\]"):
        board.load(onnx_model).run({"img": image})


def test_dict_inputs_by_name_work(onnx_model, image):
    with CpuBoard("cpu://") as board:
        assert board.load(onnx_model).run({"input": image}).outputs["output"].shape == (1, 2)


@pytest.mark.parametrize("runs, warmup", [(0, 1), (5, -1), (2.5, 0)])
def test_benchmark_refuses_bad_run_counts(onnx_model, image, runs, warmup):
    with CpuBoard("cpu://") as board, pytest.raises(ValueError, match="must be an integer"):
        board.load(onnx_model).benchmark(image, runs=runs, warmup=warmup)
