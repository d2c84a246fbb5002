"""Partial credit with a reason, the way nbgrader records it.

A test cell that ends with `partial_credit(...)` earns that many points (nbgrader reads a test
cell's numeric result as its score) and shows the student the message, also for hidden tests,
where nothing else the test printed is shown:

    recall = ...
    partial_credit(recall / 0.9, points=3,
                   message=f"recall {recall:.2f} of the 0.90 required: {missed} scratches missed")
"""

from __future__ import annotations

from ._common import check_threshold

MESSAGE_KEY = "microfab"  # display metadata that marks a test's own message for the student


def show_message(message: str) -> None:
    """Show `message` to the student in the test's output (kept for hidden tests too)."""
    from IPython.display import display

    display({"text/plain": str(message)}, raw=True, metadata={MESSAGE_KEY: "message"})


def partial_credit(fraction: float, points: float, message: str = "") -> float:
    """Award `fraction` (clipped to 0..1) of `points`; the cell must end with this call."""
    points = check_threshold(points, "points", 0.0, 1e6)
    fraction = min(1.0, max(0.0, float(fraction)))
    if message:
        show_message(message)
    return round(fraction * points, 4)
