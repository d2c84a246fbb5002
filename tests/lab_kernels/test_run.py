"""The notebook runner: the kernel's environment, parameters, working folder, one failure text."""

from __future__ import annotations

import os

import nbformat
import pytest

from hardware_shims.profiles import FAST_ENV, PROFILE_ENV, SESSIONS_PATH_ENV
from lab_kernels.run import CellFailure, RunEnv, cell_failures, run_notebook


def _notebook(*sources: str, parameters: str | None = None) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}
    cells = [nbformat.v4.new_markdown_cell("# A lesson")]
    if parameters is not None:
        cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.cells = cells
    return notebook


def _stdout(result) -> str:
    return "".join(o.get("text", "") for c in result.notebook.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")


def test_the_kernel_gets_the_run_env_and_this_process_keeps_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv(SESSIONS_PATH_ENV, "/instructor/held-back")
    monkeypatch.delenv(FAST_ENV, raising=False)
    before = dict(os.environ), os.getcwd()
    probe = ("import os\n"
             f"print(os.environ['{PROFILE_ENV}'], os.environ['{FAST_ENV}'], "
             f"os.environ.get('{SESSIONS_PATH_ENV}', 'none'), os.getcwd())")
    result = run_notebook(_notebook(probe), RunEnv("sim", fast=True), cwd=tmp_path)
    assert result.ok, result.failure
    assert _stdout(result).split() == ["sim", "1", "none", str(tmp_path)]
    assert (dict(os.environ), os.getcwd()) == before  # nothing written into the runner's process


def test_only_a_run_env_that_names_session_folders_passes_them_on(tmp_path):
    probe = f"import os\nprint(os.environ['{SESSIONS_PATH_ENV}'])"
    result = run_notebook(_notebook(probe), RunEnv(sessions_path=str(tmp_path)), cwd=tmp_path)
    assert _stdout(result).strip() == str(tmp_path)


def test_parameters_are_injected_after_the_parameters_cell(tmp_path):
    notebook = _notebook("print(camera_uri)", parameters='camera_uri = "auto"')
    result = run_notebook(notebook, RunEnv(), cwd=tmp_path, parameters={"camera_uri": "sim://x"})
    assert _stdout(result).strip() == "sim://x"
    assert notebook.cells[1].source == 'camera_uri = "auto"'  # the caller's notebook is untouched


def test_a_failing_cell_stops_the_run_and_is_described_once(tmp_path):
    output = tmp_path / "executed.ipynb"
    notebook = _notebook("x = 1", "mm_per_px = {}\nmm_per_px['station']", "print('never')")
    result = run_notebook(notebook, RunEnv(), cwd=tmp_path, output=output)
    assert not result.ok
    failure = result.failure
    assert (failure.ename, failure.evalue, failure.first_line) == \
        ("KeyError", "'station'", "mm_per_px = {}")
    assert failure.describe("lesson.md") == \
        "lesson.md: code cell [2] (starting 'mm_per_px = {}') raised KeyError: 'station'"
    assert "never" not in _stdout(result)
    assert output.is_file()  # the executed notebook is kept for the author to open


def test_cell_failures_name_nbgrader_cells_by_grade_id():
    cell = nbformat.v4.new_code_cell("assert f() == 2", execution_count=3)
    cell.metadata.nbgrader = {"grade_id": "test_f", "grade": True, "solution": False}
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="got 1",
                                           traceback=[])]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("ok = 1"), cell])
    assert cell_failures(notebook) == [CellFailure(1, "AssertionError", "got 1",
                                                   "assert f() == 2", 3, "test_f")]
    assert cell_failures(notebook)[0].describe() == \
        "cell 'test_f' (starting 'assert f() == 2') raised AssertionError: got 1"
    assert cell_failures(notebook, [0]) == []


@pytest.mark.parametrize("fast", [True, False])
def test_fast_mode_is_the_one_switch_notebooks_read(tmp_path, fast):
    probe = "from hardware_shims import fast_mode\nprint(fast_mode())"
    result = run_notebook(_notebook(probe), RunEnv(fast=fast), cwd=tmp_path)
    assert _stdout(result).strip() == str(fast)


def test_the_fingerprint_follows_the_variables():
    assert RunEnv().fingerprint() == RunEnv().fingerprint()
    assert RunEnv().fingerprint() != RunEnv(fast=True).fingerprint()
    assert RunEnv().fingerprint() != RunEnv("sim").fingerprint()


def test_the_kernel_talks_over_ipc_and_leaves_no_socket_behind(tmp_path, capfd):
    probe = ("import json, ipykernel.connect\n"
             "print(json.loads(ipykernel.connect.get_connection_info())['transport'])")
    result = run_notebook(_notebook(probe), RunEnv("replay"), cwd=tmp_path)
    assert result.ok, result.failure
    assert _stdout(result).split() == ["ipc"]
    assert "without encryption" not in capfd.readouterr().err  # ipykernel warns about TCP
    assert list(tmp_path.iterdir()) == []  # the sockets were not in the notebook's folder
