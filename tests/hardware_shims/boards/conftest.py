"""Tiny defect-classifier nets, exported to ONNX in tmp dirs; nothing is downloaded."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

IMAGE_SHAPE = (1, 1, 32, 32)


@pytest.fixture(autouse=True)
def _no_board_env(monkeypatch):
    # A developer's own board settings must not change test outcomes.
    for name in ("MICROFAB_BOARD", "MICROFAB_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def tiny_net(width: int = 4, seed: int = 0) -> torch.nn.Module:
    """Conv -> ReLU -> Conv -> global pool -> Linear: a 2-class good/defect head."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, width, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(width, width, 3, padding=1),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(width, 2),
    ).eval()


def export(net: torch.nn.Module, path, shape=IMAGE_SHAPE, dynamic_batch: bool = True):
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic_batch else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            net, (torch.zeros(shape),), str(path), input_names=["input"],
            output_names=["output"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )
    return path


@pytest.fixture
def net():
    return tiny_net()


@pytest.fixture
def onnx_model(tmp_path, net):
    return export(net, tmp_path / "tiny.onnx")


@pytest.fixture
def big_onnx_model(tmp_path):
    """Same layout, 8x the channels: far more MACs."""
    return export(tiny_net(width=32), tmp_path / "big.onnx")


@pytest.fixture
def golden_inputs():
    rng = np.random.default_rng(42)
    return [rng.standard_normal(IMAGE_SHAPE).astype(np.float32) for _ in range(3)]


@pytest.fixture
def image(golden_inputs):
    return golden_inputs[0]


@pytest.fixture
def make_net():
    """tiny_net(width=4, seed=0) for tests that need their own variant."""
    return tiny_net


@pytest.fixture
def export_onnx():
    """export(net, path, shape=IMAGE_SHAPE, dynamic_batch=True) -> path."""
    return export
