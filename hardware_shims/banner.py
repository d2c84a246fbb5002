"""The one visible line that says which device a cell bound and why; a banner in notebooks.

Shown once per kind of device and source: a lesson that opens the twin sixteen times with other
settings says `camera: sim://backboard-station (requested)` once, not sixteen times. A new
source, a new reason (a fallback) or a new device kind shows again.
"""

from __future__ import annotations

import html
import sys


class BindingBanner:
    """Plain text everywhere; a small coloured banner where a notebook renders HTML."""

    def __init__(self, kind: str, binding: object, fallback: bool) -> None:
        self.line = f"{kind}: {binding}"
        self.fallback = fallback

    def __repr__(self) -> str:
        return self.line

    def _repr_html_(self) -> str:
        # amber: recorded data stands in for a device; green: what was asked for
        colour = "#fff3cd" if self.fallback else "#d1e7dd"
        return (f'<div class="microfab-binding" style="background:{colour};padding:2px 8px;'
                f'border-radius:4px;font-family:monospace;font-size:90%">'
                f"{html.escape(self.line)}</div>")


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return type(shell).__name__ == "ZMQInteractiveShell"


_shown: set[tuple] = set()


def _key(kind: str, binding: object) -> tuple:
    """What a reader needs to know: the device kind, the source without its settings, why."""
    uri = str(getattr(binding, "uri", binding)).split("?", 1)[0]
    return (kind, uri, getattr(binding, "reason", ""), getattr(binding, "detail", ""))


def show_binding(kind: str, binding: object, fallback: bool = False) -> BindingBanner:
    """Show `kind: uri (reason)` the first time this binding is made: a banner in a notebook,
    a printed line elsewhere."""
    banner = BindingBanner(kind, binding, fallback)
    key = _key(kind, binding)
    if key in _shown:
        return banner
    _shown.add(key)
    if _in_notebook():
        from IPython.display import display

        display(banner)
    else:
        print(banner.line, flush=True)
    return banner
