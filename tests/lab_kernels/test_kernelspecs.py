import json
import subprocess
import sys

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from hardware_shims.profiles import PROFILES
from lab_kernels import install_kernels, kernel_name, kernelspec

REQUIRED = {"replay", "sim", "lab-usb", "lab-genicam", "jetson", "ascend"}


def test_every_required_profile_has_a_kernelspec():
    assert REQUIRED <= set(PROFILES)
    for profile in REQUIRED:
        assert kernelspec(profile)["env"] == {"MICROFAB_PROFILE": profile}


def test_unknown_profile_is_refused_with_the_valid_ones():
    with pytest.raises(KeyError, match="valid: replay"):
        kernelspec("lab-firewire")


def test_install_into_a_prefix_is_found_by_jupyter(tmp_path, monkeypatch):
    install_kernels(["replay", "jetson"], prefix=str(tmp_path))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    specs = KernelSpecManager().find_kernel_specs()
    assert {kernel_name("replay"), kernel_name("jetson")} <= set(specs)
    spec = json.loads((tmp_path / "share/jupyter/kernels/microfab-jetson/kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    folder = tmp_path / "share/jupyter/kernels/microfab-jetson"
    # a system-wide kernel must be readable by every user, whoever installed it
    assert folder.stat().st_mode & 0o777 == 0o755
    assert (folder / "kernel.json").stat().st_mode & 0o777 == 0o644


def test_a_kernel_started_from_the_spec_sees_its_profile(tmp_path, monkeypatch):
    from jupyter_client.manager import start_new_kernel

    install_kernels(["sim"], prefix=str(tmp_path))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    manager, client = start_new_kernel(kernel_name="microfab-sim")
    try:
        outputs = []
        client.execute_interactive("import os; print(os.environ['MICROFAB_PROFILE'])",
                                   output_hook=lambda m: outputs.append(m), timeout=60)
        text = "".join(m["content"].get("text", "") for m in outputs)
        assert text.strip() == "sim"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_cli_install_and_list(tmp_path):
    env = {"JUPYTER_PATH": str(tmp_path / "share" / "jupyter"), "PATH": ""}
    run = [sys.executable, "-m", "microfab", "kernels"]
    subprocess.run([*run, "install", "--prefix", str(tmp_path)], check=True, env=env)
    out = subprocess.run([*run, "list"], check=True, env=env, capture_output=True,
                         text=True).stdout
    assert "microfab-ascend" in out and "profile ascend" in out
