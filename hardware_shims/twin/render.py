"""One frame of the inspection station: part, texture, defect, light, lens and sensor, seeded.

Three random streams per part, each seeded by (seed, part index[, stream]): the part's own
(trigger, pose, defect type, size and place, grain phase, sensor noise), the defect's looks
(`defects.SHAPE_STREAM`) and the surface texture's placement (`texture.TEXTURE_STREAM`). Part 7
looks the same whether or not parts 0..6 were drawn.
"""

from __future__ import annotations

import numpy as np

from ..frame import Frame
from .defects import SHAPE_STREAM, sample_defect
from .drawing import draw_defect
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
from .lens import lens_of
from .lighting import radiance
from .sensor import defocus_sigma_px, expose, lens_focal_mm, motion_blur_px
from .surface import MATERIALS, SurfaceMaps
from .target import render_checkerboard
from .texture import TEXTURE_STREAM, TEXTURES, apply_texture

TRIGGER_JITTER_S = 0.0005


def _part_rng(config, index: int, stream: int | None = None) -> np.random.Generator:
    # one stream per (seed, part): part 7 looks the same whether or not parts 0..6 were drawn
    key = [config.seed, index] if stream is None else [config.seed, index, stream]
    return np.random.default_rng(key)


def _choose_defect(config, rng: np.random.Generator, index: int):
    kinds = [k for k in config.defects.split(",") if k]
    if not kinds or rng.random() >= config.defect_rate:
        return None
    return sample_defect(str(rng.choice(kinds)), rng, _part_rng(config, index, SHAPE_STREAM),
                         config.contrast_min)


def render_part(config, index: int) -> Frame:
    """Render part `index` of the line described by a StationConfig."""
    if config.target == "checkerboard":
        return render_checkerboard(config, index)
    rng = _part_rng(config, index)
    mm_per_px = config.mm_per_px
    lens = lens_of(config)
    canvas_w, canvas_h = lens.canvas_size
    trigger_delay_s = float(rng.normal(0.0, TRIGGER_JITTER_S))
    pose = Pose(x_mm=float(rng.uniform(-4, 4) + config.speed_mm_s * trigger_delay_s),
                y_mm=float(rng.uniform(-3, 3)), angle_deg=float(rng.uniform(-2, 2)))
    defect = _choose_defect(config, rng, index)
    projector = PartProjector(pose, mm_per_px, (canvas_w, canvas_h))

    maps = SurfaceMaps(canvas_h, canvas_w, MATERIALS["conveyor"])
    cover = Canvas(projector, maps.shape, cover_outline()).fill(cover_outline())
    cover_cov = cover.coverage()
    maps.blend(cover_cov, MATERIALS[config.material], cover.roi)
    phase = TEXTURES["aluminium"]["grain_phase_rad"].draw(rng) \
        if config.material == "aluminium" else 0.0
    texture = apply_texture(config.material, maps, projector, cover.roi, cover_cov, config.seed,
                            phase, _part_rng(config, index, TEXTURE_STREAM))
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
    mask = np.zeros(maps.shape, np.uint8)
    if defect is not None:
        if defect.kind == "print-offset":
            nominal = logo_shapes(Canvas(projector, maps.shape, logo_bbox_mm(offset)))
            mask[logo.roi][logo.mask() != nominal.mask()] = 255
        else:
            mask = draw_defect(defect, maps, projector, cover_mask)

    image = expose(lens.image(radiance(config.light, maps, mm_per_px)), config, rng)
    mask = lens.mask(mask)
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
        "texture": texture,
        "lens_focal_mm": lens_focal_mm(config.width, config.fov_mm, config.working_distance_mm),
        "working_distance_mm": config.working_distance_mm,
        "defocus_sigma_px": defocus_sigma_px(config),
        "motion_blur_px": motion_blur_px(config),
        "speed_mm_s": config.speed_mm_s,
        "trigger_delay_s": trigger_delay_s,
        **lens.record(),
    }
    return Frame(
        image=image, index=index, timestamp_s=index * config.takt_s + trigger_delay_s,
        exposure_us=config.exposure_us, gain_db=config.gain_db, light=config.light,
        part_id=f"BB-{config.seed:03d}-{index:05d}", label=label, defect_mask=mask, extra=extra,
    )
