"""Injected camera faults for robustness lessons and tests, in the spirit of pylon's emulator.

URI parameters (replay:// and sim://):
  drop=P              each delivered frame is preceded by dropped ones with probability P
  timeout=P           a read times out with probability P
  disconnect_after=N  the device is lost after N delivered frames
  drift=PCT           exposure drifts by PCT percent per frame (the metadata keeps the set value)
  fault_seed=S        seed of the fault sequence (default 0): the same faults every run
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import DeviceLost, FrameTimeout
from .frame import Frame
from .uri import ResourceURI

FAULT_PARAMS = frozenset({"drop", "timeout", "disconnect_after", "drift", "fault_seed"})


@dataclass(frozen=True)
class FaultPlan:
    drop_p: float = 0.0
    timeout_p: float = 0.0
    disconnect_after: int | None = None
    drift_pct: float = 0.0
    seed: int = 0

    @classmethod
    def from_uri(cls, uri: ResourceURI) -> FaultPlan | None:
        """The plan a URI asks for, or None when it asks for no fault."""
        if not FAULT_PARAMS & set(uri.params):
            return None
        disconnect = uri.params.get("disconnect_after")
        return cls(
            drop_p=uri.param_float("drop", 0.0, 0.0, 0.9),
            timeout_p=uri.param_float("timeout", 0.0, 0.0, 1.0),
            disconnect_after=None if disconnect is None else uri.param_int("disconnect_after", 0),
            drift_pct=uri.param_float("drift", 0.0, -50.0, 50.0),
            seed=uri.param_int("fault_seed", 0),
        )


class FaultInjector:
    """Wraps a source's grab: drops, timeouts, a disconnect and exposure drift, seeded."""

    def __init__(self, plan: FaultPlan, uri: ResourceURI) -> None:
        self.plan = plan
        self.uri = uri
        self.delivered = 0
        self.dropped = 0
        self._rng = np.random.default_rng(plan.seed)

    def grab(self, next_frame: Callable[[], Frame]) -> Frame:
        plan = self.plan
        if plan.disconnect_after is not None and self.delivered >= plan.disconnect_after:
            raise DeviceLost(f"{self.uri} disconnected after {self.delivered} frames "
                             f"(injected fault disconnect_after={plan.disconnect_after}); "
                             f"a real line would reconnect or stop the conveyor")
        if plan.timeout_p and self._rng.random() < plan.timeout_p:
            raise FrameTimeout(f"no frame from {self.uri} (injected fault timeout="
                               f"{plan.timeout_p:g}); retry the read or count a missed part")
        frame = next_frame()
        dropped_now = 0
        while plan.drop_p and self._rng.random() < plan.drop_p:
            frame = next_frame()  # the skipped frame never reaches the application
            dropped_now += 1
        if dropped_now:
            self.dropped += dropped_now
            frame.extra["dropped_before"] = dropped_now
        if plan.drift_pct:
            factor = (1.0 + plan.drift_pct / 100.0) ** self.delivered
            scaled = frame.image.astype(np.float32) * factor
            frame.image = np.clip(scaled, 0, 255).astype(np.uint8)
            frame.extra["true_exposure_us"] = frame.exposure_us * factor
        self.delivered += 1
        return frame
