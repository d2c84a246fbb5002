import subprocess
import sys

from hardware_shims import SessionReader

RUN = [sys.executable, "-m", "microfab", "hw"]


def test_probe_lists_schemes_sdks_and_the_auto_binding():
    out = subprocess.run([*RUN, "probe"], check=True, capture_output=True, text=True).stdout
    assert "replay://orientation/sample" in out
    for scheme in ("replay://", "usb://", "basler://", "genicam://", "cpu://", "jetson://"):
        assert scheme in out
    assert "auto camera: replay://orientation/sample (profile replay)" in out
    assert "auto board: cpu://" in out and "auto arm: sim://xarm6" in out


def test_probe_says_ready_only_where_something_opens(monkeypatch):
    import onnxruntime

    from hardware_shims import probe

    rows = {(r.kind, r.scheme): r for r in probe.probe_schemes()}
    assert rows["camera", "sim"].status == "ready"  # the twin is always there
    assert rows["camera", "sim"].devices == ["sim://backboard-station"]
    assert rows["arm", "sim"].devices == ["sim://xarm6"]
    assert "replay://jetson-nano" in rows["board", "replay"].devices
    cuda_loads = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    assert (rows["board", "cuda"].status == "ready") == cuda_loads
    if not cuda_loads:  # the SDK imports, yet no model could run there
        assert rows["board", "cuda"].status == "no CUDA provider in onnxruntime"
    monkeypatch.setattr(probe, "_sdk_available", lambda module: module != "onnxruntime")
    rows = {(r.kind, r.scheme): r for r in probe.probe_schemes()}
    assert rows["board", "cuda"].status == "SDK missing"


def test_tables_fit_the_terminal_without_running_columns_together(capsys):
    from microfab.commands import print_table

    print_table(["unit", "competencies"], [["05-rule-based-inspection", "MV-DEF-01, MV-DEF-02"],
                                           ["0", "A, " * 30 + "B"]], width=60)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["unit", "competencies"]
    assert lines[2].startswith("05-rule-based-inspection  MV-DEF-01")
    assert all(len(line) <= 60 for line in lines)
    assert lines[4].startswith(" " * len("05-rule-based-inspection  "))  # wrapped, aligned


def test_record_writes_a_session_with_every_frame_and_its_metadata(tmp_path):
    out = tmp_path / "line-a.mcap"
    subprocess.run([*RUN, "record", "replay://orientation/sample?start=2", "--frames", "3",
                    "--out", str(out), "--quiet"], check=True, capture_output=True)
    frames = list(SessionReader(out).frames())
    assert [f.index for f in frames] == [2, 3, 4]
    assert all(f.part_id and f.exposure_us == 800 for f in frames)


def test_record_of_an_unknown_scheme_exits_2_with_the_known_ones(tmp_path):
    result = subprocess.run([*RUN, "record", "firewire://0", "--frames", "1", "--out",
                             str(tmp_path / "x.mcap")], capture_output=True, text=True)
    assert result.returncode == 2 and "replay://" in result.stderr
