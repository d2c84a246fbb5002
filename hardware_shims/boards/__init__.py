"""Edge boards: run a defect model on the CPU, a GPU, a Jetson or an Ascend NPU by URI,
and check its latency against the line's takt time.

    from hardware_shims.boards import open_board
    with open_board() as board:                   # "auto": env and lab profile decide
        board.load("defects.onnx")
        stats = board.benchmark(image, runs=200)
        board.fits_takt(takt_s=0.8)

`auto` takes MICROFAB_BOARD if set, else the board of the lab profile MICROFAB_PROFILE
(hardware_shims.profiles: jetson -> jetson://, ascend -> ascend://0, others cpu://). A real
board whose SDK or device is missing falls back to its replay:// latency
profile: real outputs, estimated latency, and the printed line says so.
Backend SDKs (onnxruntime, TensorRT, pyACL, torch_npu) load only when opened.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..device import AutoChoice, open_device
from ..errors import ShimError
from ..profiles import active_profile
from ..registry import boards
from ..uri import ResourceURI, parse_uri
from .base import Board
from .errors import BoardUnavailable, InputError, LatencyProfileError, ModelError
from .golden import GoldenReport, OutputError, compare_to_reference
from .latency_profiles import available_profiles, load_profile
from .results import InferenceResult, LatencyStats
from .tensors import TensorSpec

__all__ = [
    "Board", "BoardUnavailable", "GoldenReport", "InferenceResult", "InputError",
    "LatencyProfileError", "LatencyStats", "ModelError", "OutputError", "TensorSpec",
    "WorkCount", "available_profiles", "boards", "compare_to_reference", "count_macs",
    "load_profile", "open_board", "preferred_board", "torch_device",
]

BOARD_ENV = "MICROFAB_BOARD"
#: Board scheme -> what `auto` binds when that board's SDK or device is missing.
FALLBACKS = {
    "jetson": "replay://jetson-orin-nano",
    "ascend": "replay://ascend-310b",
    "cuda": "cpu://",  # no GPU profile ships: measure on the CPU rather than guess
}


def __getattr__(name: str) -> Any:
    # The FLOP counter needs the onnx package; load it on first use only.
    if name in ("count_macs", "WorkCount"):
        from . import flops

        return getattr(flops, name)
    raise AttributeError(f"module 'hardware_shims.boards' has no attribute {name!r}")


def preferred_board(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(board URI `auto` tries first, why that one)."""
    env = os.environ if env is None else env
    override = env.get(BOARD_ENV, "").strip()
    if override:
        return override, BOARD_ENV
    profile = active_profile(env)  # the lab profile names its board (cpu:// by default)
    return profile.board, f"profile {profile.name}"


def torch_device(env: Mapping[str, str] | None = None) -> str:
    """Where PyTorch should train: `cuda:N` when the board `auto` prefers is cuda://N and torch
    sees that GPU, else `cpu`. The same notebook then trains on a GPU station unchanged."""
    uri = parse_uri(preferred_board(env)[0])
    if uri.scheme != "cuda":
        return "cpu"
    import torch  # deferred: only a cuda board needs torch here

    index = int(uri.path or 0) if (uri.path or "0").isdigit() else 0
    return f"cuda:{index}" if torch.cuda.is_available() and index < torch.cuda.device_count() \
        else "cpu"


def open_board(uri: str | ResourceURI = "auto") -> Board:
    """Open a board by URI (or `auto`) and show which and why, once."""
    return open_device(boards, uri, _auto_board,
                       lambda board, why: f"{board.latency_kind} latency; {why}")


def _auto_board() -> AutoChoice:
    preferred, why = preferred_board()
    uri = parse_uri(preferred)
    if uri.is_auto:
        raise ShimError(f"{BOARD_ENV}=auto cannot choose itself; set a URI such as cpu://")
    fallback = FALLBACKS.get(uri.scheme)
    if fallback and "precision" in uri.params and fallback.startswith("replay://"):
        fallback += f"?precision={uri.params['precision']}"  # estimate what was asked for
    return AutoChoice(preferred, why, fallback, certain=uri.scheme in ("cpu", "replay"))
