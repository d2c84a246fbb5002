"""One exit-status convention for every command: 0 success, 1 the work ran and failed or
found problems, 2 bad usage or bad input (nothing done). Cheap cases of each command."""

import re

import pytest

from microfab.cli import build_parser, main
from microfab.commands import EXIT_STATUS, FAILED, OK, USAGE


def test_the_convention_is_in_the_top_level_help(capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["--help"])
    assert caught.value.code == OK
    printed = capsys.readouterr().out
    assert EXIT_STATUS in printed
    assert (OK, FAILED, USAGE) == (0, 1, 2)


@pytest.mark.parametrize("argv", [["data", "import", "--help"], ["data", "fetch", "--help"],
                                  ["grade", "--help"], ["hw", "record", "--help"],
                                  ["course", "build", "--help"], ["book", "build", "--help"],
                                  ["unit", "check", "--help"]])
def test_commands_that_can_fail_say_how_in_their_help(argv, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    printed = " ".join(capsys.readouterr().out.split()).lower()
    assert re.search(r"exit(s| status)\b.* 1 .*\b2\b|exit(s| status)\b.* 2 .*\b1\b", printed)


def test_bad_usage_is_2(capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["data", "import", "image-mask"])  # no --out
    assert caught.value.code == USAGE


@pytest.mark.parametrize("argv, words", [
    (["data", "import", "class-folder", "{tmp}/nowhere", "--out", "{tmp}/s.mcap"],
     "does not exist"),
    (["data", "fetch", "no-such-set"], "unknown data set"),
    (["hw", "record", "nope://x", "--frames", "1", "--out", "{tmp}/r.mcap", "--quiet"],
     "no camera backend for 'nope://'"),
    (["hw", "record", "replay://{tmp}/missing.mcap", "--frames", "1", "--out", "{tmp}/r.mcap",
      "--quiet"], "no recorded session"),
    (["grade", "validate", "{tmp}/missing.ipynb"], "no notebook at"),
    (["grade", "export", "--course", "{tmp}/no-course", "--out", "{tmp}/g.csv"],
     "no gradebook"),
    (["kernels", "install", "--prefix", "{tmp}/k", "--profile", "nope"],
     "unknown lab profile 'nope'"),
    (["unit", "check", "99-nowhere"], "no unit '99-nowhere'"),
])
def test_bad_input_is_2_and_says_what(argv, words, tmp_path, capsys):
    assert main([a.format(tmp=tmp_path) for a in argv]) == USAGE
    assert words in capsys.readouterr().err


def test_an_unreadable_notebook_is_bad_input(tmp_path, capsys):
    notebook = tmp_path / "lab.ipynb"
    notebook.write_text("{not json")
    assert main(["grade", "validate", str(notebook)]) == USAGE


def test_a_device_that_fails_while_recording_is_1(tmp_path, capsys):
    uri = "replay://backboard/training?disconnect_after=1"
    assert main(["hw", "record", uri, "--frames", "3", "--out", str(tmp_path / "r.mcap"),
                 "--quiet"]) == FAILED
    assert "disconnected after 1 frames" in capsys.readouterr().err


def test_a_data_set_with_bad_files_is_bad_input_and_a_bad_download_is_a_failure(
        tmp_path, monkeypatch, capsys):
    from hardware_shims.recording.datasets import DATA_HUB, DatasetInfo

    root = tmp_path / "set"
    for folder in ("good", "dent"):
        (root / folder).mkdir(parents=True)
        (root / folder / "a.png").write_text("not a png")
    assert main(["data", "import", "class-folder", str(root), "--out",
                 str(tmp_path / "s.mcap")]) == USAGE
    assert "good/a.png is not an image: its bytes are text: 'not a png'" in \
        capsys.readouterr().err
    source = tmp_path / "golden.bin"
    source.write_bytes(b"golden")
    monkeypatch.setitem(DATA_HUB, "golden", DatasetInfo(
        name="golden", description="test", homepage="", licence="CC0", citation="nobody",
        layout="class-folder", url=source.as_uri(), sha256="0" * 64))
    assert main(["data", "fetch", "golden", "--cache", str(tmp_path / "c"), "--quiet"]) == FAILED
