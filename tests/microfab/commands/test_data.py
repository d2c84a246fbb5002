"""`microfab data import|fetch|list`, run in-process on synthetic data sets in tmp_path."""

import argparse
import hashlib
import importlib.util

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


def test_skip_bad_imports_the_rest_and_prints_what_it_skipped(tmp_path, capsys):
    out = tmp_path / "tiles.mcap"
    assert microfab("import", "image-mask", str(tiles(tmp_path / "t", bad=True)), "--out",
                    str(out), "--skip-bad", "--quiet") == 0
    printed = capsys.readouterr().out
    assert "imported 2 images" in printed and "skipped MT_Crack/c2.jpg" in printed


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


def test_fetch_with_a_wrong_digest_exits_2_with_both_digests(tmp_path, monkeypatch, capsys):
    source = tmp_path / "golden.bin"
    source.write_bytes(b"golden")
    monkeypatch.setitem(DATA_HUB, "golden", DatasetInfo(
        name="golden", description="test", homepage="", licence="CC0", citation="nobody",
        layout="class-folder", url=source.as_uri(), sha256="0" * 64))
    assert microfab("fetch", "golden", "--cache", str(tmp_path / "cache"), "--quiet") == 2
    err = capsys.readouterr().err
    assert "0" * 64 in err and hashlib.sha256(b"golden").hexdigest() in err
