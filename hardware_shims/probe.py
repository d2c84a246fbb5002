"""`microfab hw probe`: each scheme, whether its SDK imports, devices found, what auto binds."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from dataclasses import dataclass
from glob import glob

from .registry import arms, boards, cameras

# The Python module each backend needs; None: nothing beyond microfab itself.


@dataclass(frozen=True)
class SchemeProbe:
    kind: str
    scheme: str
    sdk: str | None
    sdk_ok: bool
    devices: list[str]
    listed: bool = True  # False: this scheme's devices are not enumerated by the probe

    @property
    def status(self) -> str:
        """"ready" only where something can be opened now."""
        if not self.sdk_ok:
            return "SDK missing"
        if not self.listed:
            return "SDK ok, devices not listed"
        if any(d.startswith("(listing failed") for d in self.devices):
            return "listing failed"
        return "ready" if self.devices else NO_DEVICE.get((self.kind, self.scheme), "no device")


def _sdk_available(module: str | None) -> bool:
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _usb_devices() -> list[str]:
    return [f"usb://{path.removeprefix('/dev/video')}" for path in sorted(glob("/dev/video*"))]


def _replay_sessions() -> list[str]:
    from .cameras.replay import available_sessions

    return [f"replay://{name}" for name in available_sessions()]


def _basler_devices() -> list[str]:
    from pypylon import pylon

    factory = pylon.TlFactory.GetInstance()
    return [f"basler://{d.GetSerialNumber()}" for d in factory.EnumerateDevices()]


def _cuda_devices() -> list[str]:
    """cuda://0 only where open_board('cuda://0') can run a model: the provider must load."""
    import onnxruntime

    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        return []
    return ["cuda://0"]


def _twin_stations() -> list[str]:
    from .cameras.sim import STATIONS

    return [f"sim://{station}" for station in STATIONS]


def _latency_profiles() -> list[str]:
    from .boards.latency_profiles import available_profiles

    return [f"replay://{name}" for name in available_profiles()]


def _arm_twins() -> list[str]:
    from .arms.sim import MODELS

    return [f"sim://{model}" for model in MODELS]


# why a scheme whose SDK imports still has nothing to open
NO_DEVICE = {("board", "cuda"): "no CUDA provider in onnxruntime"}

DEVICE_LISTERS = {
    ("camera", "usb"): _usb_devices,
    ("camera", "replay"): _replay_sessions,
    ("camera", "basler"): _basler_devices,
    ("camera", "sim"): _twin_stations,
    ("camera", "file"): lambda: ["file://PATH"],  # any image or video file
    ("board", "cuda"): _cuda_devices,
    ("board", "cpu"): lambda: ["cpu://"],  # this machine
    ("board", "replay"): _latency_profiles,
    ("arm", "sim"): _arm_twins,
}


def probe_schemes() -> list[SchemeProbe]:
    rows = []
    for kind, registry in (("camera", cameras), ("board", boards), ("arm", arms)):
        for scheme in registry.schemes():
            sdk = registry.sdk_module(scheme)
            sdk_ok = _sdk_available(sdk)
            devices: list[str] = []
            lister = DEVICE_LISTERS.get((kind, scheme))
            if sdk_ok and lister:
                try:
                    devices = lister()
                except Exception as exc:  # a probe reports a broken SDK, it never fails on it
                    devices = [f"(listing failed: {type(exc).__name__}: {exc})"]
            rows.append(SchemeProbe(kind, scheme, sdk, sdk_ok, devices, lister is not None))
    return rows


def auto_bindings() -> dict[str, str]:
    """What open_camera('auto') (and boards/arms, when available) would bind now."""
    from . import open_camera
    from .arms import open_arm
    from .boards import open_board

    bindings = {"profile": os.environ.get("MICROFAB_PROFILE", "replay")}
    with contextlib.redirect_stdout(io.StringIO()):
        for kind, opener in (("camera", open_camera), ("board", open_board), ("arm", open_arm)):
            try:
                with opener("auto") as device:
                    bindings[kind] = str(device.binding)
            except Exception as exc:  # the probe reports; it never fails on a device
                bindings[kind] = f"none ({type(exc).__name__}: {exc})"
    return bindings
