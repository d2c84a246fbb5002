"""Links are followed; broken links and loops are refused by name; nothing is passed over
without a recorded reason."""

import os

import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, import_dataset
from hardware_shims.recording.importers.walk import walk


def test_voc_folders_reached_through_links_are_imported(voc_root, tmp_path):
    """The reported data set: JPEGImages/ and Annotations/ were links, skipped silently."""
    linked = tmp_path / "linked"
    linked.mkdir()
    for folder in ("JPEGImages", "Annotations"):
        (linked / folder).symlink_to(voc_root / folder, target_is_directory=True)
    out = tmp_path / "s.mcap"
    report = import_dataset("voc", linked, out, progress=False)
    assert report.counts == {"crack": 1, "good": 1, "patches": 1}
    assert {f.source for f in SessionReader(out).frames()} == {
        "JPEGImages/crack_1.png", "JPEGImages/mixed_2.png", "JPEGImages/good_3.png"}


def test_a_linked_file_is_imported_under_its_own_name(class_folder_root, tmp_path):
    (class_folder_root / "good/linked.png").symlink_to(class_folder_root / "Dent/c.png")
    report = import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap",
                            progress=False)
    assert report.counts == {"Dent": 2, "good": 3}


def test_a_linked_root_is_followed(class_folder_root, tmp_path):
    (tmp_path / "via-link").symlink_to(class_folder_root, target_is_directory=True)
    report = import_dataset("class-folder", tmp_path / "via-link", tmp_path / "s.mcap",
                            progress=False)
    assert report.frames == 4


def test_a_dangling_link_is_refused_naming_it(class_folder_root, tmp_path):
    (class_folder_root / "good/gone.png").symlink_to(tmp_path / "deleted.png")
    with pytest.raises(ImportProblems) as caught:
        import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap", progress=False)
    (problem,) = caught.value.problems
    assert problem.path == "good/gone.png" and problem.kind == "broken link"
    assert "dangling link" in problem.reason and "deleted.png does not exist" in problem.reason


def test_a_folder_link_back_to_an_ancestor_is_a_loop_refused_by_name(class_folder_root,
                                                                     tmp_path):
    (class_folder_root / "good/again").symlink_to(class_folder_root, target_is_directory=True)
    with pytest.raises(ImportProblems) as caught:
        import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap", progress=False)
    (problem,) = caught.value.problems
    assert problem.path == "good/again" and "link loop" in problem.reason


def test_links_that_point_at_each_other_are_a_loop_refused_by_name(class_folder_root,
                                                                   tmp_path):
    (class_folder_root / "good/a-link.png").symlink_to("b-link.png")
    (class_folder_root / "good/b-link.png").symlink_to("a-link.png")
    with pytest.raises(ImportProblems) as caught:
        import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap", progress=False)
    assert [p.path for p in caught.value.problems] == ["good/a-link.png", "good/b-link.png"]
    assert all("link loop" in p.reason for p in caught.value.problems)


def test_skip_bad_leaves_a_broken_link_out_and_counts_it(class_folder_root, tmp_path):
    (class_folder_root / "good/gone.png").symlink_to(tmp_path / "deleted.png")
    with pytest.warns(UserWarning, match="good/gone.png"):
        report = import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap",
                                progress=False, skip_bad=True)
    assert report.frames == 4 and [p.path for p in report.skipped] == ["good/gone.png"]
    assert "broken link (skipped, bad)" in str(report)


def test_every_file_not_imported_is_counted_with_its_reason(class_folder_root, tmp_path):
    (class_folder_root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (class_folder_root / ".git").mkdir()
    (class_folder_root / "good/notes.txt").write_text("shot on line 3\n")
    (class_folder_root / "good/export.log").write_text("done\n")
    (class_folder_root / "LICENSE").write_text("MIT License\n")
    out = tmp_path / "s.mcap"
    report = import_dataset("class-folder", class_folder_root, out, progress=False,
                            exclude=["b.png"])
    reasons = {p.path: p.kind for p in report.ignored}
    assert reasons == {
        ".DS_Store": "hidden file or folder", ".git": "hidden file or folder",
        "good/b.png": "left out by --exclude", "LICENSE": "licence or readme",
        "good/notes.txt": "annotation or list the class-folder layout does not read",
        "good/export.log": "file the class-folder layout does not use"}
    assert report.frames == 3
    assert {i["path"] for i in SessionReader(out).metadata["ignored"]} == set(reasons)


def test_walk_lists_each_file_once_in_order(class_folder_root):
    listing = walk(class_folder_root)
    names = [p.relative_to(class_folder_root).as_posix() for p in listing.files]
    assert names == sorted(names) and len(names) == 4
    assert listing.problems == [] and listing.ignored == []


def test_an_unreadable_folder_is_a_problem_naming_it(class_folder_root, monkeypatch):
    # root reads any folder whatever its mode, so the refusal is the one the OS would give
    locked = class_folder_root / "good"
    scandir = os.scandir

    def refusing(path):
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    listing = walk(class_folder_root)
    assert [p.path for p in listing.problems] == ["good"]
