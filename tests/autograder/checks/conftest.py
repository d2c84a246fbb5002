"""A tiny defect classifier exported to ONNX in tmp_path; nothing is downloaded."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

IMAGE_SHAPE = (1, 1, 16, 16)


@pytest.fixture(autouse=True)
def _no_board_env(monkeypatch):
    # A developer's own board settings must not change which board a test opens.
    for name in ("MICROFAB_BOARD", "MICROFAB_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tiny_onnx(tmp_path):
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2),
    ).eval()
    path = tmp_path / "tiny.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(net, (torch.zeros(IMAGE_SHAPE),), str(path), input_names=["input"],
                          output_names=["output"], opset_version=17, dynamo=False)
    return path


@pytest.fixture
def image():
    return np.random.default_rng(0).standard_normal(IMAGE_SHAPE).astype(np.float32)
