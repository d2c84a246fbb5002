"""One frame of the inspection station: part, defect, light, optics and sensor, seeded."""

from __future__ import annotations

import numpy as np

from ..frame import Frame
from .defects import draw_defect, sample_defect
from .geometry import (
    COVER_MM,
    Canvas,
    PartProjector,
    Pose,
    cover_outline,
    cutout_outline,
    logo_bbox_mm,
    logo_shapes,
)
from .lighting import radiance
from .sensor import defocus_sigma_px, expose, lens_focal_mm, motion_blur_px
from .surface import MATERIALS, SurfaceMaps, brushed_grain

TRIGGER_JITTER_S = 0.0005


def _part_rng(config, index: int) -> np.random.Generator:
    # one stream per (seed, part): part 7 looks the same whether or not parts 0..6 were drawn
    return np.random.default_rng([config.seed, index])


def _choose_defect(config, rng: np.random.Generator):
    kinds = [k for k in config.defects.split(",") if k]
    if not kinds or rng.random() >= config.defect_rate:
        return None
    return sample_defect(str(rng.choice(kinds)), rng)


def render_part(config, index: int) -> Frame:
    """Render part `index` of the line described by a StationConfig."""
    rng = _part_rng(config, index)
    height, width, mm_per_px = config.height, config.width, config.mm_per_px
    trigger_delay_s = float(rng.normal(0.0, TRIGGER_JITTER_S))
    pose = Pose(x_mm=float(rng.uniform(-4, 4) + config.speed_mm_s * trigger_delay_s),
                y_mm=float(rng.uniform(-3, 3)), angle_deg=float(rng.uniform(-2, 2)))
    defect = _choose_defect(config, rng)
    projector = PartProjector(pose, mm_per_px, (width, height))

    maps = SurfaceMaps(height, width, MATERIALS["conveyor"])
    cover = Canvas(projector, maps.shape, cover_outline()).fill(cover_outline())
    cover_cov = cover.coverage()
    maps.blend(cover_cov, MATERIALS[config.material], cover.roi)
    if config.material == "aluminium":
        grain = brushed_grain(maps.shape, mm_per_px, pose.angle_deg, rng)[cover.roi]
        maps.scatter[cover.roi] *= 1 + cover_cov * (grain - 1)
    edge = Canvas(projector, maps.shape, cover_outline())
    edge.polyline(np.vstack([cover_outline(), cover_outline()[:1]]),
                  thickness_px=max(1, round(0.25 / mm_per_px)))
    maps.add_scatter(edge.coverage(), 0.5, edge.roi)
    cut = Canvas(projector, maps.shape, cutout_outline()).fill(cutout_outline())
    maps.blend(cut.coverage(), MATERIALS["cutout"], cut.roi)

    offset = defect.params["offset_mm"] if defect and defect.kind == "print-offset" else (0, 0)
    logo = logo_shapes(Canvas(projector, maps.shape, logo_bbox_mm(offset)), offset)
    maps.blend(logo.coverage(), MATERIALS["ink"], logo.roi)

    cover_mask = np.zeros(maps.shape, np.float32)
    cover_mask[cover.roi] = cover_cov
    mask = None
    if defect is not None:
        if defect.kind == "print-offset":
            nominal = logo_shapes(Canvas(projector, maps.shape, logo_bbox_mm(offset)))
            mask = np.zeros(maps.shape, np.uint8)
            mask[logo.roi][logo.mask() != nominal.mask()] = 255
        else:
            mask = draw_defect(defect, maps, projector, cover_mask)

    image = expose(radiance(config.light, maps, mm_per_px), config, rng)
    outside_view = []
    if defect is not None and not mask.any():
        outside_view, defect = [defect.record(mask)], None  # ground truth is what the camera sees
    label = defect.kind if defect else "good"
    extra = {
        "mm_per_px": mm_per_px,
        "material": config.material,
        "pose": {"x_mm": pose.x_mm, "y_mm": pose.y_mm, "angle_deg": pose.angle_deg},
        "cover_mm": list(COVER_MM),
        "defects": [defect.record(mask)] if defect is not None else [],
        "defects_outside_view": outside_view,
        "lens_focal_mm": lens_focal_mm(width, config.fov_mm, config.working_distance_mm),
        "working_distance_mm": config.working_distance_mm,
        "defocus_sigma_px": defocus_sigma_px(config),
        "motion_blur_px": motion_blur_px(config),
        "speed_mm_s": config.speed_mm_s,
        "trigger_delay_s": trigger_delay_s,
    }
    return Frame(
        image=image, index=index, timestamp_s=index * config.takt_s + trigger_delay_s,
        exposure_us=config.exposure_us, gain_db=config.gain_db, light=config.light,
        part_id=f"BB-{config.seed:03d}-{index:05d}", label=label,
        defect_mask=mask if mask is not None else np.zeros(maps.shape, np.uint8), extra=extra,
    )
