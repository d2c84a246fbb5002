import importlib.util
import sys

import pytest

from hardware_shims.boards import open_board, preferred_board
from hardware_shims.boards.cpu import CpuBoard
from hardware_shims.boards.errors import BoardUnavailable
from hardware_shims.boards.replay import ReplayBoard


@pytest.fixture
def no_tensorrt(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorrt", None)


@pytest.fixture
def no_ascend_sdk(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name, *a: None if name in ("acl", "torch_npu") else real(name, *a),
    )


@pytest.fixture
def cpu_only_onnxruntime(monkeypatch):
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: ["CPUExecutionProvider"])


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


def test_auto_without_env_binds_the_cpu(capsys):
    with open_board() as board:
        assert isinstance(board, CpuBoard)
    assert _lines(capsys) == ["board: cpu:// (measured latency; profile replay)"]


def test_jetson_profile_without_tensorrt_falls_back_to_replay(monkeypatch, no_tensorrt, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "jetson")
    with open_board("auto") as board:
        assert isinstance(board, ReplayBoard)
    assert _lines(capsys) == [
        "board: replay://jetson-orin-nano (estimated latency; TensorRT not installed)"
    ]


def test_fallback_keeps_the_full_error_as_detail(monkeypatch, no_tensorrt, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "jetson")
    with open_board() as board:
        assert "pip install tensorrt" in board.binding.detail


def test_ascend_profile_without_sdk_falls_back_to_replay(monkeypatch, no_ascend_sdk, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "ascend")
    with open_board():
        pass
    assert _lines(capsys) == [
        "board: replay://ascend-310b (estimated latency; neither pyACL nor torch_npu installed)"
    ]


def test_board_env_overrides_the_profile(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "jetson")
    monkeypatch.setenv("MICROFAB_BOARD", "replay://jetson-nano")
    with open_board():
        pass
    assert _lines(capsys) == ["board: replay://jetson-nano (estimated latency; MICROFAB_BOARD)"]


def test_board_env_cuda_without_gpu_falls_back_to_cpu(monkeypatch, cpu_only_onnxruntime, capsys):
    monkeypatch.setenv("MICROFAB_BOARD", "cuda://0")
    with open_board():
        pass
    assert _lines(capsys) == [
        "board: cpu:// (measured latency; CUDA execution provider not available)"
    ]


def test_fallback_keeps_the_requested_precision(monkeypatch, no_tensorrt, capsys):
    monkeypatch.setenv("MICROFAB_BOARD", "jetson://?precision=fp32")
    with open_board() as board:
        assert board.precision == "fp32"
    assert _lines(capsys)[0].startswith("board: replay://jetson-orin-nano?precision=fp32 (")


def test_other_profiles_use_the_cpu(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "lab-usb")
    with open_board():
        pass
    assert _lines(capsys) == ["board: cpu:// (measured latency; profile lab-usb)"]


def test_explicit_uri_does_not_fall_back(no_tensorrt, capsys):
    with pytest.raises(BoardUnavailable, match="TensorRT"):
        open_board("jetson://")
    assert _lines(capsys) == []


def test_explicit_uri_prints_one_requested_line(capsys):
    with open_board("replay://cpu-laptop?seed=2"):
        pass
    assert _lines(capsys) == [
        "board: replay://cpu-laptop?seed=2 (estimated latency; requested)"
    ]


def test_preferred_board_reads_a_given_env():
    assert preferred_board({"MICROFAB_PROFILE": "ascend"}) == ("ascend://0", "profile ascend")


def test_board_env_set_to_auto_is_refused(monkeypatch):
    monkeypatch.setenv("MICROFAB_BOARD", "auto")
    with pytest.raises(Exception, match="cannot choose itself"):
        open_board()


def test_auto_opens_a_board_under_the_watchdog_like_any_device(monkeypatch):
    import threading
    import time

    from hardware_shims import device
    from hardware_shims.errors import DeviceLost
    from hardware_shims.registry import boards

    release = threading.Event()

    def stuck(uri):
        release.wait(30)
        raise DeviceLost(f"{uri} was released by the test")

    monkeypatch.setitem(boards._specs, "stuck", stuck)
    monkeypatch.setattr(device, "OPEN_TIMEOUT_S", 0.2)
    monkeypatch.setenv("MICROFAB_BOARD", "stuck://npu0")
    started = time.monotonic()
    try:
        with pytest.raises(DeviceLost, match="did not answer"):
            open_board()  # no stand-in for an unknown board: reported, after the watchdog
    finally:
        release.set()
    assert time.monotonic() - started < 5
