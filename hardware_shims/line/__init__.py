"""The conveyor line as a timed simulation: photo-eye, camera, inspection, decision, arm pick.

    from hardware_shims.line import LineConfig, measure_pick_timing, run_line
    timing = measure_pick_timing(pick_window_mm=300)     # the xArm6 twin's pick cycle, cached
    run = run_line(LineConfig(takt_s=1.2), frames, inspector, controller, timing)
    run.scores                                           # escapes, false rejects, missed picks

A controller is a function `controller(event) -> action` of plain data, called once per part
when its inspection result is in. The event: `part` (index), `now_s` (the line's clock),
`trigger_s` (when the part crossed the photo-eye), `result` (the inspector's), `arms_free_s`
(when each arm is next free). The action: `{"reject": False}`, or
`{"reject": True, "pick_s": t, "arm": k}`: arm k's cup meets the part at time t. The pick
misses (`late`, `busy`, `window`) if the arm would have to leave before the decision, is still
busy, or the part is not inside arm k's window at t.
"""

from __future__ import annotations

from .arm_timing import measure_pick_timing
from .chart import timeline_chart
from .config import ArmTiming, LineConfig, line_facts
from .simulate import ControllerError, LineRun, board_latency, part_offset_mm, run_line, score

__all__ = [
    "ArmTiming", "ControllerError", "LineConfig", "LineRun", "board_latency", "line_facts",
    "measure_pick_timing", "part_offset_mm", "run_line", "score", "timeline_chart",
]
