"""Which class opens which URI scheme (the papermill-style registry idiom).

One registry per device kind — cameras, edge boards, arms — all alike.
Built-ins are listed as "module:attr" strings so a backend's SDK (cv2, a
GenICam producer, TensorRT) is imported only when that scheme is opened.
Third-party packages add schemes through the entry-point groups
`microfab.cameras`, `microfab.boards` and `microfab.arms`, read once, the
first time an unknown scheme is asked for.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from .errors import ShimError, UnknownSchemeError
from .uri import ResourceURI, parse_uri

if TYPE_CHECKING:
    from .cameras.base import Camera

Factory = Callable[[ResourceURI], "Camera"]
FactorySpec = Factory | str | importlib.metadata.EntryPoint

ENTRY_POINT_GROUP = "microfab.cameras"

class Builtin(NamedTuple):
    """A built-in backend: where its class lives and the SDK module it needs (probe checks it)."""

    target: str
    sdk: str | None


# The one place built-in backends are declared, per device kind.
BUILTINS: dict[str, Builtin] = {
    "replay": Builtin("hardware_shims.cameras.replay:ReplayCamera", "mcap"),
    "file": Builtin("hardware_shims.cameras.file:FileCamera", "cv2"),
    "usb": Builtin("hardware_shims.cameras.usb:UsbCamera", "cv2"),
    "sim": Builtin("hardware_shims.cameras.sim:SimCamera", "hardware_shims.twin"),
    "basler": Builtin("hardware_shims.cameras.basler:BaslerCamera", "pypylon"),
    "genicam": Builtin("hardware_shims.cameras.genicam:GenicamCamera", "harvesters"),
    "aravis": Builtin("hardware_shims.cameras.aravis:AravisCamera", "gi"),
}
BOARD_BUILTINS: dict[str, Builtin] = {
    "cpu": Builtin("hardware_shims.boards.cpu:CpuBoard", "onnxruntime"),
    "cuda": Builtin("hardware_shims.boards.cuda:CudaBoard", "onnxruntime"),
    "jetson": Builtin("hardware_shims.boards.jetson:JetsonBoard", "tensorrt"),
    "ascend": Builtin("hardware_shims.boards.ascend:AscendBoard", "acl"),  # or torch_npu
    "replay": Builtin("hardware_shims.boards.replay:ReplayBoard", "onnxruntime"),
}
ARM_BUILTINS: dict[str, Builtin] = {
    "sim": Builtin("hardware_shims.arms.sim:SimArm", "pybullet"),
    "xarm": Builtin("hardware_shims.arms.xarm:XArm", "xarm"),
}

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*$")


class DeviceRegistry:
    """Maps a URI scheme to a factory `f(ResourceURI) -> device` for one device kind."""

    kind = "device"
    group = ""
    builtin_specs: dict[str, Builtin] = {}

    def __init__(self, builtins: bool = True) -> None:
        self._specs: dict[str, FactorySpec] = {}
        self._entry_points_loaded = False
        self._lock = threading.Lock()
        if builtins:
            for scheme, builtin in self.builtin_specs.items():
                self.register(scheme, builtin.target)

    def sdk_module(self, scheme: str) -> str | None:
        """The SDK module a built-in scheme needs (None: unknown, e.g. a third-party backend)."""
        builtin = self.builtin_specs.get(scheme)
        return builtin.sdk if builtin else None

    def register(self, scheme: str, factory: FactorySpec, replace: bool = False) -> None:
        """Add a backend: a callable, or a lazy "package.module:attr" string."""
        if not _SCHEME.match(scheme):
            raise ValueError(
                f"scheme {scheme!r} must be lowercase and start with a letter"
            )
        if not (callable(factory) or isinstance(factory, str)):
            raise TypeError(f"factory for {scheme}:// must be callable or 'module:attr'")
        with self._lock:
            if scheme in self._specs and not replace:
                raise ValueError(
                    f"{scheme}:// is already registered; pass replace=True to override"
                )
            self._specs[scheme] = factory

    def unregister(self, scheme: str) -> None:
        with self._lock:
            self._specs.pop(scheme, None)

    def schemes(self) -> list[str]:
        """Registered schemes (entry points included once they were read)."""
        with self._lock:
            return sorted(self._specs)

    def __contains__(self, scheme: str) -> bool:
        return self._lookup(scheme) is not None

    def get(self, scheme: str) -> Factory:
        """The factory for `scheme`, importing it now if it was registered lazily."""
        spec = self._lookup(scheme)
        if spec is None:
            raise UnknownSchemeError(scheme, self.schemes(), self.kind, self.group)
        if callable(spec) and not isinstance(spec, importlib.metadata.EntryPoint):
            return spec
        factory = _load(scheme, spec)
        with self._lock:
            self._specs[scheme] = factory  # resolve once, then reuse
        return factory

    def open(self, uri: str | ResourceURI):
        """Parse `uri` and open it with the registered backend."""
        parsed = parse_uri(uri)
        if parsed.is_auto:
            raise ShimError(f"'auto' is resolved by open_{self.kind}(), not by the registry")
        return self.get(parsed.scheme)(parsed)

    def open_within(self, uri: str | ResourceURI, timeout_s: float):
        """Open `uri` on a daemon thread: a driver that never answers cannot hang the caller."""
        from .errors import DeviceLost

        box: dict = {}
        lock = threading.Lock()

        def run() -> None:
            try:
                device = self.open(uri)
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc
                return
            with lock:
                if box.get("abandoned"):
                    device.close()  # it answered too late; free the device
                else:
                    box["device"] = device

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(timeout_s)
        with lock:
            if "device" in box:
                return box["device"]
            box["abandoned"] = True
        if "error" in box:
            raise box["error"]
        raise DeviceLost(f"{uri} did not answer within {timeout_s:g} s")

    def _lookup(self, scheme: str) -> FactorySpec | None:
        with self._lock:
            spec = self._specs.get(scheme)
        if spec is None and not self._entry_points_loaded:
            self._load_entry_points()
            with self._lock:
                spec = self._specs.get(scheme)
        return spec

    def _load_entry_points(self) -> None:
        eps = importlib.metadata.entry_points(group=self.group)
        with self._lock:
            self._entry_points_loaded = True
            for ep in eps:
                # Built-ins and explicit registrations win over installed plugins.
                self._specs.setdefault(ep.name, ep)


def _load(scheme: str, spec: FactorySpec) -> Factory:
    try:
        if isinstance(spec, importlib.metadata.EntryPoint):
            factory = spec.load()
        else:
            module_name, _, attr = spec.partition(":")
            factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        target = spec.value if isinstance(spec, importlib.metadata.EntryPoint) else spec
        raise ShimError(
            f"backend for {scheme}:// ({target}) could not be imported: {exc}. "
            "Install the package or SDK it needs, or pick another camera URI."
        ) from exc
    if not callable(factory):
        raise ShimError(f"backend for {scheme}:// is not callable: {factory!r}")
    return factory


class CameraRegistry(DeviceRegistry):
    kind, group, builtin_specs = "camera", ENTRY_POINT_GROUP, BUILTINS


class BoardRegistry(DeviceRegistry):
    kind, group, builtin_specs = "board", "microfab.boards", BOARD_BUILTINS


class ArmRegistry(DeviceRegistry):
    kind, group, builtin_specs = "arm", "microfab.arms", ARM_BUILTINS


cameras = CameraRegistry()
boards = BoardRegistry()
arms = ArmRegistry()
