"""Optics and sensor: lens, focus and motion blur, exposure, gain, noise and saturation.

A 3.45 um pixel sensor behind a thin lens at f/8. Radiance 1 (a bright-field glass cover)
collects about 8.2 electrons per microsecond; 40 electrons make one grey level at 0 dB.
"""

from __future__ import annotations

import cv2
import numpy as np

PIXEL_PITCH_MM = 3.45e-3
F_NUMBER = 8.0
ELECTRONS_PER_US = 8.2  # per unit radiance
ELECTRONS_PER_DN = 40.0
READ_NOISE_E = 3.0


def lens_focal_mm(width_px: int, fov_mm: float, working_distance_mm: float) -> float:
    """Focal length that images fov_mm onto the sensor from the working distance."""
    sensor_mm = width_px * PIXEL_PITCH_MM
    return sensor_mm * working_distance_mm / (fov_mm + sensor_mm)


def defocus_sigma_px(config) -> float:
    """Blur (Gaussian sigma, px) from being defocus_mm away from the plane of best focus."""
    focal = lens_focal_mm(config.width, config.fov_mm, config.working_distance_mm)
    aperture_mm = focal / F_NUMBER
    blur_circle_mm = aperture_mm * abs(config.defocus_mm) / config.working_distance_mm
    # a uniform disc of diameter d has a standard deviation of d / 4 along each axis
    return 0.25 * blur_circle_mm / config.mm_per_px


def motion_blur_px(config) -> float:
    """How far the part travels during the exposure, in pixels."""
    return config.speed_mm_s * config.exposure_us * 1e-6 / config.mm_per_px


def _box_kernel(length_px: float) -> np.ndarray:
    """Horizontal box of a fractional length: full taps, and partial taps at both ends."""
    full = int(np.floor(length_px))
    partial = (length_px - full) / 2
    taps = np.ones(full, np.float32)
    if partial > 1e-3:
        taps = np.concatenate([[partial], taps, [partial]]).astype(np.float32)
    return (taps / taps.sum())[None, :]


def blur(radiance: np.ndarray, config) -> np.ndarray:
    sigma = defocus_sigma_px(config)
    if sigma > 0.3:
        radiance = cv2.GaussianBlur(radiance, (0, 0), sigma)
    travel = motion_blur_px(config)
    if travel > 1.0:
        radiance = cv2.filter2D(radiance, -1, _box_kernel(travel), borderType=cv2.BORDER_REFLECT)
    return radiance


def expose(radiance: np.ndarray, config, rng: np.random.Generator) -> np.ndarray:
    """Electrons with shot and read noise, amplified by the gain, quantised to 8 bits."""
    electrons = blur(radiance, config) * np.float32(config.exposure_us * ELECTRONS_PER_US)
    np.maximum(electrons, 0, out=electrons)
    sigma = cv2.sqrt(electrons + np.float32(READ_NOISE_E**2))
    noise = np.empty(electrons.shape, np.float32)
    # cv2's generator fills a frame 4x faster than numpy's; a large seed avoids its weak start
    cv2.setRNGSeed(int(rng.integers(2**30, 2**31 - 1)))
    cv2.randn(noise, 0.0, 1.0)
    electrons += sigma * noise
    dn = electrons * np.float32(10 ** (config.gain_db / 20) / ELECTRONS_PER_DN)
    return np.clip(dn + np.float32(0.5), 0, 255).astype(np.uint8)
