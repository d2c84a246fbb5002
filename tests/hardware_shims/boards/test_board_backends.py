"""Structure of the hardware backends, which cannot run here: URI parsing, the error
when their SDK is missing, and that they are Boards. SDKs are hidden with monkeypatch
so these tests mean the same on a machine that has them."""

import importlib.util
import sys

import pytest

from hardware_shims.boards.ascend import AscendBoard
from hardware_shims.boards.base import Board
from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.boards.cuda import CudaBoard
from hardware_shims.boards.errors import BoardUnavailable
from hardware_shims.boards.jetson import JetsonBoard
from hardware_shims.boards.replay import ReplayBoard
from hardware_shims.errors import MalformedURIError, ShimError
from hardware_shims.registry import BOARD_BUILTINS, boards


@pytest.fixture
def no_tensorrt(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorrt", None)  # import now raises ImportError


@pytest.fixture
def no_ascend_sdk(monkeypatch):
    real = importlib.util.find_spec
    hidden = {"acl", "torch_npu"}
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name in hidden else real(name, *a)
    )


@pytest.fixture
def cpu_only_onnxruntime(monkeypatch):
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: ["CPUExecutionProvider"])


@pytest.mark.parametrize(
    "scheme, cls",
    [("cpu", CpuBoard), ("cuda", CudaBoard), ("jetson", JetsonBoard),
     ("ascend", AscendBoard), ("replay", ReplayBoard)],
)
def test_registry_maps_scheme_to_a_board_class(scheme, cls):
    assert boards.get(scheme) is cls and issubclass(cls, Board)


def test_every_builtin_board_scheme_is_covered():
    assert set(BOARD_BUILTINS) == {"cpu", "cuda", "jetson", "ascend", "replay"}


def test_board_unavailable_is_a_shim_error():
    assert issubclass(BoardUnavailable, ShimError)


def test_jetson_without_tensorrt_says_what_to_install(no_tensorrt):
    with pytest.raises(BoardUnavailable, match=r"TensorRT not installed.*JetPack"):
        JetsonBoard("jetson://")


def test_jetson_unavailable_error_keeps_a_short_reason(no_tensorrt):
    with pytest.raises(BoardUnavailable) as caught:
        JetsonBoard("jetson://?precision=fp16")
    assert caught.value.missing == "TensorRT not installed"


def test_jetson_rejects_int8_before_touching_the_sdk(no_tensorrt):
    with pytest.raises(MalformedURIError, match=r"precision=int8.*fp32, fp16"):
        JetsonBoard("jetson://?precision=int8")


def test_jetson_rejects_unknown_parameters(no_tensorrt):
    with pytest.raises(MalformedURIError, match="precison"):
        JetsonBoard("jetson://?precison=fp16")


def test_jetson_rejects_a_device_path(no_tensorrt):
    with pytest.raises(MalformedURIError, match="one GPU"):
        JetsonBoard("jetson://1")


def test_jetson_rejects_a_tiny_workspace(no_tensorrt):
    with pytest.raises(MalformedURIError, match="workspace_mb"):
        JetsonBoard("jetson://?workspace_mb=1")


def test_ascend_without_sdk_names_both_routes(no_ascend_sdk):
    with pytest.raises(BoardUnavailable, match=r"pyACL nor torch_npu.*CANN.*torch_npu"):
        AscendBoard("ascend://0")


def test_ascend_device_must_be_an_index(no_ascend_sdk):
    with pytest.raises(MalformedURIError, match="NPU index"):
        AscendBoard("ascend://npu0")


def test_cuda_without_gpu_provider_says_what_to_install(cpu_only_onnxruntime):
    with pytest.raises(BoardUnavailable, match=r"CUDA execution provider.*onnxruntime-gpu"):
        CudaBoard("cuda://0")


def test_cuda_device_must_be_an_index(cpu_only_onnxruntime):
    with pytest.raises(MalformedURIError, match="GPU index"):
        CudaBoard("cuda://first")


def test_onnx_on_ascend_says_how_to_compile_it(onnx_model, monkeypatch):
    # Pretend torch_npu exists so the board opens; loading the ONNX must fail before any SDK call.
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name, *a: object() if name == "torch_npu" else real(name, *a),
    )
    with AscendBoard("ascend://0") as board, pytest.raises(ShimError, match="atc --model"):
        board.load(onnx_model)
