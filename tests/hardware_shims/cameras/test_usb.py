import pytest

from hardware_shims.cameras.usb import UsbCamera
from hardware_shims.errors import DeviceLost, MalformedURIError


def test_absent_device_is_device_lost():
    with pytest.raises(DeviceLost, match="usb://63"):
        UsbCamera("usb://63")


def test_non_numeric_device_is_malformed():
    with pytest.raises(MalformedURIError, match="device number"):
        UsbCamera("usb://front")


def test_exposure_is_not_claimed_as_honoured():
    assert "ExposureTime" not in UsbCamera.honoured
