"""`microfab data import|fetch|list`, run in-process on synthetic data sets in tmp_path."""

import argparse
import hashlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware_shims.recording.datasets import DATA_HUB, DatasetInfo
from microfab.commands import data as data_cmd


def microfab(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="microfab")
    data_cmd.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["data", *argv])
    return args.run(args)


def tiles(root, bad: bool = False):
    """Two crack tiles and one free tile, magnetic-tile style; `bad` drops one mask."""
    rng = np.random.default_rng(0)
    for folder, stem in (("MT_Crack", "c1"), ("MT_Crack", "c2"), ("MT_Free", "f1")):
        (root / folder).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / folder / f"{stem}.jpg"), rng.integers(0, 255, (20, 30), np.uint8))
        cv2.imwrite(str(root / folder / f"{stem}.png"), np.zeros((20, 30), np.uint8))
    if bad:
        (root / "MT_Crack/c2.png").unlink()
    return root


def test_import_prints_counts_per_label_and_the_replay_uri(tmp_path, capsys):
    out = tmp_path / "tiles.mcap"
    assert microfab("import", "image-mask", str(tiles(tmp_path / "t")), "--out", str(out),
                    "--quiet") == 0
    printed = capsys.readouterr().out
    assert "crack" in printed and "good" in printed and "imported 3 images" in printed
    assert f"replay://{out.resolve()}" in printed


def test_a_bad_file_exits_2_naming_it_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "tiles.mcap"
    code = microfab("import", "image-mask", str(tiles(tmp_path / "t", bad=True)), "--out",
                    str(out), "--quiet")
    assert code == 2 and "MT_Crack/c2.jpg: no mask" in capsys.readouterr().err
    assert not out.exists()


def test_the_refusal_names_the_flag_not_the_python_argument(tmp_path, capsys):
    microfab("import", "image-mask", str(tiles(tmp_path / "t", bad=True)), "--out",
             str(tmp_path / "s.mcap"))
    err = capsys.readouterr().err
    assert "or import the rest with --skip-bad." in err and "skip_bad" not in err


def many_bad(root, n=25):
    """n crack tiles without masks, and one good tile."""
    rng = np.random.default_rng(1)
    for i in range(n):
        (root / "MT_Crack").mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / "MT_Crack" / f"c{i:02}.jpg"), rng.integers(0, 255, (8, 8), np.uint8))
    tiles(root)
    return root


def test_many_problems_are_grouped_and_verbose_lists_them_all(tmp_path, capsys):
    root = many_bad(tmp_path / "t")
    assert microfab("import", "image-mask", str(root), "--out", str(tmp_path / "s.mcap")) == 2
    err = capsys.readouterr().err
    assert "25 problem(s)" in err and "(--verbose lists all 25)" in err
    assert "no mask" in err and "MT_Crack/c00.jpg, MT_Crack/c01.jpg, MT_Crack/c02.jpg, ..." in err
    assert "MT_Crack/c24.jpg" not in err
    microfab("import", "image-mask", str(root), "--out", str(tmp_path / "s.mcap"), "--verbose")
    assert "MT_Crack/c24.jpg: no mask" in capsys.readouterr().err


def test_a_folder_in_another_layout_exits_2_saying_what_is_expected(tmp_path, capsys):
    code = microfab("import", "voc", str(tiles(tmp_path / "t")), "--out",
                    str(tmp_path / "s.mcap"))
    assert code == 2 and "is not a Pascal VOC folder" in capsys.readouterr().err


def test_an_ambiguous_class_folder_layout_exits_2_naming_the_folders(tmp_path, capsys):
    root = tmp_path / "one"
    (root / "good").mkdir(parents=True)
    cv2.imwrite(str(root / "good/a.png"), np.zeros((8, 8), np.uint8))
    assert microfab("import", "class-folder", str(root), "--out", str(tmp_path / "s.mcap")) == 2
    assert "one class folder only, good/ (1 image)" in capsys.readouterr().err


def test_the_summary_shows_labels_what_was_not_imported_and_the_licence(tmp_path, capsys):
    root = tiles(tmp_path / "t")
    (root / "LICENSE").write_text("CC BY 4.0\n")
    (root / "MT_Free/.DS_Store").write_bytes(b"\0")
    assert microfab("import", "image-mask", str(root), "--out", str(tmp_path / "s.mcap")) == 0
    printed = capsys.readouterr().out
    assert re.search(r"labels:\n  crack +2\n  good +1\n", printed)
    assert "pixels: Mono8 3" in printed and "licence: LICENSE: CC BY 4.0" in printed
    assert "hidden file or folder" in printed and "MT_Free/.DS_Store" in printed


def test_yolo_imports_from_the_command_line(tmp_path, capsys):
    root = tmp_path / "y"
    for stem, line in (("a", "0 0.5 0.5 0.5 0.5"), ("b", "")):
        (root / "images").mkdir(parents=True, exist_ok=True)
        (root / "labels").mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / "images" / f"{stem}.jpg"), np.zeros((8, 8), np.uint8))
        (root / "labels" / f"{stem}.txt").write_text(line)
    (root / "data.yaml").write_text("names: [pit]\n")
    assert microfab("import", "yolo", str(root), "--out", str(tmp_path / "y.mcap")) == 0
    printed = capsys.readouterr().out
    assert "imported 2 images" in printed and "class names: from data.yaml" in printed


def test_a_limit_below_one_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as caught:
        microfab("import", "image-mask", str(tmp_path), "--out", "s.mcap", "--limit", "0")
    assert caught.value.code == 2


def test_skip_bad_imports_the_rest_and_prints_what_it_skipped(tmp_path, capsys):
    out = tmp_path / "tiles.mcap"
    assert microfab("import", "image-mask", str(tiles(tmp_path / "t", bad=True)), "--out",
                    str(out), "--skip-bad", "--quiet") == 0
    printed = capsys.readouterr().out
    assert "imported 2 images" in printed and "not imported: 1 item(s)" in printed
    group = next(line for line in printed.splitlines() if "(skipped, bad)" in line)
    assert group.split() == ["no", "mask", "(skipped,", "bad)", "1", "MT_Crack/c2.jpg"]


def test_limit_caps_the_import(tmp_path, capsys):
    microfab("import", "image-mask", str(tiles(tmp_path / "t")), "--out",
             str(tmp_path / "s.mcap"), "--limit", "2", "--quiet")
    assert "imported 2 images" in capsys.readouterr().out


def test_a_layout_that_needs_a_folder_exits_2_without_one(tmp_path, capsys):
    assert microfab("import", "voc", "--out", str(tmp_path / "s.mcap")) == 2
    assert "needs the data set's folder" in capsys.readouterr().err


def test_a_missing_folder_exits_2_naming_it(tmp_path, capsys):
    assert microfab("import", "class-folder", str(tmp_path / "nowhere"), "--out",
                    str(tmp_path / "s.mcap")) == 2
    assert "nowhere does not exist" in capsys.readouterr().err


def test_an_unknown_layout_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as caught:
        microfab("import", "coco", str(tmp_path), "--out", str(tmp_path / "s.mcap"))
    assert caught.value.code == 2


def test_import_help_shows_layouts_and_examples(capsys):
    with pytest.raises(SystemExit):
        microfab("import", "--help")
    printed = capsys.readouterr().out
    assert "examples:" in printed and "microfab data import elpv --out elpv.mcap" in printed


@pytest.mark.skipif(importlib.util.find_spec("elpv_dataset") is None,
                    reason="elpv-dataset is not installed (pip install elpv-dataset)")
def test_importing_elpv_prints_its_licence(tmp_path, capsys):
    assert microfab("import", "elpv", "--out", str(tmp_path / "e.mcap"), "--limit", "4",
                    "--quiet") == 0
    assert "licence: CC BY-NC-SA 4.0" in capsys.readouterr().out


def test_list_shows_every_data_set_with_its_licence(capsys):
    assert microfab("list") == 0
    printed = capsys.readouterr().out
    for info in DATA_HUB.values():
        assert info.name in printed and info.licence in printed


def test_fetch_of_an_unknown_name_exits_2(tmp_path, capsys):
    assert microfab("fetch", "mvtec", "--cache", str(tmp_path)) == 2
    assert "unknown data set 'mvtec'" in capsys.readouterr().err


def test_fetch_downloads_verifies_and_prints_the_import_command(tmp_path, monkeypatch,
                                                               capsys):
    source = tmp_path / "golden.bin"
    source.write_bytes(b"golden")
    monkeypatch.setitem(DATA_HUB, "golden", DatasetInfo(
        name="golden", description="test", homepage="", licence="CC0", citation="nobody",
        layout="class-folder", url=source.as_uri(),
        sha256=hashlib.sha256(b"golden").hexdigest()))
    assert microfab("fetch", "golden", "--cache", str(tmp_path / "cache"), "--quiet") == 0
    printed = capsys.readouterr().out
    assert "licence: CC0" in printed and "microfab data import class-folder" in printed
    assert (tmp_path / "cache/golden/golden.bin").read_bytes() == b"golden"


def test_fetch_with_a_wrong_digest_exits_1_with_both_digests(tmp_path, monkeypatch, capsys):
    source = tmp_path / "golden.bin"
    source.write_bytes(b"golden")
    monkeypatch.setitem(DATA_HUB, "golden", DatasetInfo(
        name="golden", description="test", homepage="", licence="CC0", citation="nobody",
        layout="class-folder", url=source.as_uri(), sha256="0" * 64))
    assert microfab("fetch", "golden", "--cache", str(tmp_path / "cache"), "--quiet") == 1
    err = capsys.readouterr().err
    assert "0" * 64 in err and hashlib.sha256(b"golden").hexdigest() in err


def run_cli(*argv):
    return subprocess.run([sys.executable, "-m", "microfab", "data", *argv],
                          capture_output=True, text=True, timeout=120)


def test_no_progress_bar_into_a_pipe_unless_asked(tmp_path):
    root = tiles(tmp_path / "t")
    piped = run_cli("import", "image-mask", str(root), "--out", str(tmp_path / "a.mcap"))
    assert piped.returncode == 0 and piped.stderr == ""  # no bar, no carriage returns
    assert "\r" not in piped.stdout and "imported 3 images" in piped.stdout
    asked = run_cli("import", "image-mask", str(root), "--out", str(tmp_path / "b.mcap"),
                    "--progress")
    assert asked.returncode == 0 and "importing t" in asked.stderr


MAGNETIC_TILE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "magnetic-tile"


@pytest.mark.skipif(not MAGNETIC_TILE.is_dir(), reason=f"magnetic-tile data set not found at "
                    f"{MAGNETIC_TILE} (not shipped with the project; fetch it with `microfab "
                    "data fetch magnetic-tile`)")
def test_the_real_magnetic_tile_set_imports_a_handful(tmp_path, capsys):
    out = tmp_path / "tiles.mcap"
    assert microfab("import", "image-mask", str(MAGNETIC_TILE), "--out", str(out),
                    "--limit", "12") == 0
    printed = capsys.readouterr().out
    assert "imported 12 images of magnetic-tile (image-mask)" in printed
    for label in ("blowhole", "break", "crack", "fray", "good", "uneven"):
        assert re.search(rf"\n  {label} +2\n", printed), label
    assert "pixels: Mono8 12" in printed and "left out by --limit" in printed
    assert "licence: none found" in printed
