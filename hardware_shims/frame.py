"""One acquired image plus everything an inspection needs to know about it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Common illumination set-ups; `light` is free text so a lab can add its own.
LIGHTS = ("bright-field", "dark-field", "coaxial", "low-angle", "unknown")
PIXEL_FORMATS = ("Mono8", "BGR8")


def pixel_format(image: np.ndarray) -> str:
    """GenICam pixel format name of an image array."""
    return "Mono8" if image.ndim == 2 else "BGR8"


def convert_pixel_format(image: np.ndarray, fmt: str) -> np.ndarray:
    """Return `image` as `fmt` ("Mono8" or "BGR8"), converting like a camera would."""
    if fmt not in PIXEL_FORMATS:
        raise ValueError(f"pixel format must be one of {PIXEL_FORMATS}, got {fmt!r}")
    if pixel_format(image) == fmt:
        return image
    import cv2  # deferred: importing the package must stay cheap

    code = cv2.COLOR_GRAY2BGR if fmt == "BGR8" else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(image, code)


def _float_or_none(value: float) -> float | None:
    # NaN means "unknown"; strict JSON (and Foxglove) cannot carry NaN.
    return float(value) if math.isfinite(value) else None


def _none_to_nan(value: Any) -> float:
    return math.nan if value is None else float(value)


@dataclass(eq=False)
class Frame:
    """A frame: pixels, acquisition settings and (optional) ground truth.

    `eq=False` because arrays have no single truth value; compare `meta()`
    and the arrays instead.
    """

    image: np.ndarray
    index: int = 0
    timestamp_s: float = 0.0
    exposure_us: float = math.nan
    gain_db: float = math.nan
    light: str = "unknown"
    part_id: str | None = None
    source: str = ""
    label: str | None = None
    defect_mask: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        img = self.image
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8:
            raise ValueError(
                f"Frame.image must be a uint8 numpy array, got "
                f"{getattr(img, 'dtype', type(img).__name__)}; convert with "
                "cv2.convertScaleAbs or np.clip(...).astype(np.uint8)"
            )
        if not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
            raise ValueError(
                f"Frame.image must be HxW (mono) or HxWx3 (BGR), got shape {img.shape}"
            )
        if self.index < 0:
            raise ValueError(f"Frame.index must be >= 0, got {self.index}")
        if self.defect_mask is not None:
            self._check_mask(self.defect_mask)

    def _check_mask(self, mask: np.ndarray) -> None:
        if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8:
            raise ValueError("Frame.defect_mask must be a uint8 array of 0/255")
        if mask.shape != self.image.shape[:2]:
            raise ValueError(
                f"Frame.defect_mask shape {mask.shape} must equal the image "
                f"height x width {self.image.shape[:2]}"
            )
        # Any other value means a mask was saved as 0/1 or blurred: a silent scoring bug.
        if np.any((mask != 0) & (mask != 255)):
            raise ValueError("Frame.defect_mask must contain only 0 and 255")

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def pixel_format(self) -> str:
        return pixel_format(self.image)

    def meta(self) -> dict:
        """JSON-able metadata (no arrays): what a session stores next to the pixels."""
        return {
            "index": int(self.index),
            "timestamp_s": float(self.timestamp_s),
            "exposure_us": _float_or_none(self.exposure_us),
            "gain_db": _float_or_none(self.gain_db),
            "light": self.light,
            "part_id": self.part_id,
            "source": self.source,
            "label": self.label,
            "width": self.width,
            "height": self.height,
            "pixel_format": self.pixel_format,
            "has_defect_mask": self.defect_mask is not None,
            "extra": self.extra,
        }

    @classmethod
    def from_meta(
        cls, meta: dict, image: np.ndarray, defect_mask: np.ndarray | None = None
    ) -> Frame:
        """Rebuild a frame from `meta()` output and its arrays (inverse of `meta`)."""
        return cls(
            image=image,
            index=int(meta["index"]),
            timestamp_s=float(meta["timestamp_s"]),
            exposure_us=_none_to_nan(meta.get("exposure_us")),
            gain_db=_none_to_nan(meta.get("gain_db")),
            light=meta.get("light", "unknown"),
            part_id=meta.get("part_id"),
            source=meta.get("source", ""),
            label=meta.get("label"),
            defect_mask=defect_mask,
            extra=dict(meta.get("extra") or {}),
        )
