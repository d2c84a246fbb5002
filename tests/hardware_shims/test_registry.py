import importlib.metadata

import pytest

from hardware_shims import registry as registry_module
from hardware_shims.cameras.replay import ReplayCamera
from hardware_shims.errors import ShimError, UnknownSchemeError
from hardware_shims.registry import CameraRegistry, cameras

EP_GROUP = "microfab.cameras"


def _entry_points(monkeypatch, *eps):
    calls = []

    def fake(group):
        calls.append(group)
        return list(eps) if group == EP_GROUP else []

    monkeypatch.setattr(registry_module.importlib.metadata, "entry_points", fake)
    return calls


def test_builtins_are_registered():
    assert {"replay", "file", "usb"} <= set(cameras.schemes())


def test_unknown_scheme_lists_known_schemes(monkeypatch):
    _entry_points(monkeypatch)
    with pytest.raises(UnknownSchemeError, match=r"'nope://'.*replay://"):
        CameraRegistry().get("nope")


def test_register_then_get_returns_the_factory():
    reg = CameraRegistry(builtins=False)
    reg.register("twin", ReplayCamera)
    assert reg.get("twin") is ReplayCamera


def test_duplicate_registration_is_refused():
    reg = CameraRegistry(builtins=False)
    reg.register("twin", ReplayCamera)
    with pytest.raises(ValueError, match="replace=True"):
        reg.register("twin", ReplayCamera)


def test_invalid_scheme_name_is_refused():
    with pytest.raises(ValueError, match="lowercase"):
        CameraRegistry(builtins=False).register("Bad Scheme", ReplayCamera)


def test_lazy_target_is_imported_only_on_get():
    reg = CameraRegistry(builtins=False)
    reg.register("ghost", "no_such_sdk_module:Camera")  # registering imports nothing
    with pytest.raises(ShimError, match="no_such_sdk_module"):
        reg.get("ghost")


def test_lazy_target_resolves_to_the_class():
    reg = CameraRegistry(builtins=False)
    reg.register("rp", "hardware_shims.cameras.replay:ReplayCamera")
    assert reg.get("rp") is ReplayCamera


def test_entry_point_scheme_is_found(monkeypatch):
    ep = importlib.metadata.EntryPoint(
        name="twin", value="hardware_shims.cameras.replay:ReplayCamera", group=EP_GROUP
    )
    _entry_points(monkeypatch, ep)
    assert CameraRegistry().get("twin") is ReplayCamera


def test_entry_points_are_read_only_for_an_unknown_scheme(monkeypatch):
    calls = _entry_points(monkeypatch)
    reg = CameraRegistry()
    reg.get("replay")
    assert calls == []


def test_entry_points_are_read_once(monkeypatch):
    calls = _entry_points(monkeypatch)
    reg = CameraRegistry()
    for _ in range(2):
        with pytest.raises(UnknownSchemeError):
            reg.get("nope")
    assert calls == [EP_GROUP]


def test_builtin_wins_over_entry_point_of_same_name(monkeypatch):
    ep = importlib.metadata.EntryPoint(
        name="replay", value="hardware_shims.cameras.file:FileCamera", group=EP_GROUP
    )
    _entry_points(monkeypatch, ep)
    reg = CameraRegistry()
    assert "nope2" not in reg  # an unknown lookup triggers the entry-point scan
    assert reg.get("replay") is ReplayCamera


def test_open_parses_and_builds_the_camera():
    with cameras.open("replay://orientation/sample") as cam:
        assert isinstance(cam, ReplayCamera)
