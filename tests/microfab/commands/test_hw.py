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
