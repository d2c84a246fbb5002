"""Shared fixtures: synthetic frames, tiny sessions and test camera backends."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from hardware_shims.cameras.base import Camera
from hardware_shims.errors import EndOfStream
from hardware_shims.frame import Frame
from hardware_shims.recording.session import SessionWriter
from hardware_shims.registry import cameras


@pytest.fixture(autouse=True)
def _no_lab_env(monkeypatch):
    # A developer's own MICROFAB_* settings must not change test outcomes.
    for name in ("MICROFAB_PROFILE", "MICROFAB_CAMERA"):
        monkeypatch.delenv(name, raising=False)


def synthetic_frame(index: int = 0, color: bool = False, mask: bool = True) -> Frame:
    rng = np.random.default_rng(index)
    shape = (48, 64, 3) if color else (48, 64)
    image = rng.integers(0, 256, shape, dtype=np.uint8)
    defect = None
    if mask:
        defect = np.zeros((48, 64), np.uint8)
        defect[10:14, 20:30] = 255
    return Frame(
        image=image,
        index=index,
        timestamp_s=0.1 * index + 1e-7,  # not a round number of ns on purpose
        exposure_us=812.5,
        gain_db=1.25,
        light="dark-field",
        part_id=f"BB-{index + 1:04d}",
        source="test://synthetic",
        label="scratch" if mask else "good",
        defect_mask=defect,
        extra={"station": 3, "nested": {"ok": True, "list": [1, 2.5, "x"]}},
    )


@pytest.fixture
def make_frame():
    return synthetic_frame


@pytest.fixture
def session_path(tmp_path):
    """A 3-frame session: mono with mask, BGR without, mono with mask."""
    path = tmp_path / "three.mcap"
    with SessionWriter(path, metadata={"line": "L3"}) as writer:
        writer.write_frame(synthetic_frame(0))
        writer.write_frame(synthetic_frame(1, color=True, mask=False))
        writer.write_frame(synthetic_frame(2))
        writer.write_event("/trigger", {"encoder": 1024}, 0.05)
    return path


class ListCamera(Camera):
    """Returns a fixed list of frames at once, then ends."""

    grab_may_block = False
    honoured = frozenset({"Gain"})

    def __init__(self, uri, frames=3):
        super().__init__(uri)
        self._frames = [synthetic_frame(i, mask=False) for i in range(frames)]
        self.applied = {}

    def _grab(self, timeout_s):
        if not self._frames:
            raise EndOfStream(f"{self.uri} done")
        return self._frames.pop(0)

    def _apply(self, name, value):
        self.applied[name] = value


class BlockingCamera(ListCamera):
    """Same frames, but through the watchdog thread like a real driver."""

    grab_may_block = True


class StuckCamera(Camera):
    """A driver that never delivers a frame (e.g. waiting for a trigger that never comes)."""

    def __init__(self, uri):
        super().__init__(uri)
        self.release = threading.Event()

    def _grab(self, timeout_s):
        self.release.wait()  # blocks until the test tears down
        raise EndOfStream("released")

    def _close(self):
        self.release.set()


@pytest.fixture
def backends():
    """Test backend classes, for tests that build cameras directly."""
    return {"list": ListCamera, "blocking": BlockingCamera, "stuck": StuckCamera}


@pytest.fixture
def register(monkeypatch):
    """Temporarily bind a scheme in the global registry: register("x", factory)."""

    def _register(scheme, factory):
        monkeypatch.setitem(cameras._specs, scheme, factory)

    return _register
