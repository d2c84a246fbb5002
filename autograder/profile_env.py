"""The environment a notebook runs under in CI: a hardware profile and the FAST flag."""

from __future__ import annotations

import os
from contextlib import contextmanager


@contextmanager
def notebook_env(profile: str = "replay", fast: bool = True):
    """Set MICROFAB_PROFILE and MICROFAB_FAST for kernels started inside the block."""
    wanted = {"MICROFAB_PROFILE": profile, "MICROFAB_FAST": "1" if fast else "0"}
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
