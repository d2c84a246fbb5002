"""The sandbox's launcher dies with the grader that started it, even if the grader died first."""
import subprocess
import sys

import pytest

from lab_kernels.sandbox import SandboxPolicy

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux prctl")

CHILD = "from lab_kernels.sandbox import die_with_parent; die_with_parent({pid}); print('alive')"


def _launch(parent_pid: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD.format(pid=parent_pid)],
                          capture_output=True, text=True, timeout=60)


def test_a_launcher_whose_grader_is_its_parent_goes_on():
    import os

    run = _launch(os.getpid())
    assert run.returncode == 0 and run.stdout.strip() == "alive"


def test_a_launcher_orphaned_before_it_armed_its_death_signal_exits():
    # the grader that wrote the policy is gone: the launcher's parent is now someone else (init or
    # a subreaper), so it must not start a sandbox nobody will stop
    run = _launch(parent_pid=2**22 + 1)
    assert run.returncode == 1 and run.stdout == ""


def test_the_policy_remembers_the_grader(tmp_path):
    policy = SandboxPolicy("/sub", str(tmp_path), grader_pid=4242)
    assert SandboxPolicy.load(policy.save(tmp_path / "policy.json")).grader_pid == 4242


def test_a_lab_imports_the_course_libraries_but_never_reads_the_units():
    from lab_kernels.sandbox import (
        LAB_PACKAGES,
        _package_dir,
        hidden_dirs,
        python_read_only_dirs,
    )

    bound = python_read_only_dirs()
    for package in LAB_PACKAGES:
        assert _package_dir(package) in bound, package
    assert hidden_dirs() == [_package_dir("course_units")]
