"""One ipykernel kernelspec per lab profile; the profile travels in the kernel's environment."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from hardware_shims.profiles import PROFILE_ENV, PROFILES

KERNEL_PREFIX = "microfab-"


def kernel_name(profile: str) -> str:
    return f"{KERNEL_PREFIX}{profile}"


def kernelspec(profile: str, python: str | None = None) -> dict:
    """kernel.json content: this environment's Python with MICROFAB_PROFILE set."""
    if profile not in PROFILES:
        raise KeyError(f"unknown lab profile {profile!r}; valid: {', '.join(PROFILES)}")
    spec = PROFILES[profile]
    return {
        "argv": [python or sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"microfab · {profile} ({spec.description})",
        "language": "python",
        "env": {PROFILE_ENV: profile},
        "metadata": {"microfab": {"profile": profile, "camera": spec.camera,
                                  "board": spec.board}, "debugger": True},
    }


def install_kernels(profiles: list[str] | None = None, user: bool = False,
                    prefix: str | None = None) -> list[Path]:
    """Install kernelspecs (default: every profile); returns the installed folders."""
    manager = KernelSpecManager()
    installed = []
    for profile in profiles or list(PROFILES):
        with tempfile.TemporaryDirectory() as staging:
            # the install copies the staging folder's mode: 0700 would hide a system-wide
            # kernel from every other user
            Path(staging).chmod(0o755)
            (Path(staging) / "kernel.json").write_text(json.dumps(kernelspec(profile), indent=1))
            (Path(staging) / "kernel.json").chmod(0o644)
            path = manager.install_kernel_spec(staging, kernel_name(profile), user=user,
                                               prefix=prefix)
        installed.append(Path(path))
    return installed


def installed_kernels() -> dict[str, tuple[str, Path]]:
    """microfab kernels Jupyter can see now: name -> (profile, folder)."""
    manager = KernelSpecManager()
    found = {}
    for name, folder in sorted(manager.find_kernel_specs().items()):
        if name.startswith(KERNEL_PREFIX):
            spec = json.loads((Path(folder) / "kernel.json").read_text())
            found[name] = (spec.get("env", {}).get(PROFILE_ENV, "?"), Path(folder))
    return found
