"""The data-set registry and fetch(), against local files only: no network here."""

import hashlib
import importlib.util
import zipfile

import pytest

from hardware_shims.recording import datasets
from hardware_shims.recording.datasets import (
    DATA_HUB,
    ChecksumError,
    DatasetError,
    DatasetInfo,
    fetch,
    verify_sha256,
)

PAYLOAD = b"line-3 golden sample\n" * 100


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "upstream" / "golden.bin"
    path.parent.mkdir()
    path.write_bytes(PAYLOAD)
    return path


def register(monkeypatch, name, url, sha256, **kwargs):
    info = DatasetInfo(name=name, description="test", homepage=url, licence="CC0",
                       citation="nobody", layout="class-folder", url=url, sha256=sha256,
                       **kwargs)
    monkeypatch.setitem(DATA_HUB, name, info)
    return info


def test_verify_sha256_accepts_the_right_digest(source):
    verify_sha256(source, hashlib.sha256(PAYLOAD).hexdigest())


def test_verify_sha256_names_the_file_and_both_digests(source):
    wrong = "0" * 64
    with pytest.raises(ChecksumError) as caught:
        verify_sha256(source, wrong)
    message = str(caught.value)
    assert str(source) in message and wrong in message
    assert hashlib.sha256(PAYLOAD).hexdigest() in message


def test_fetch_downloads_a_file_url_verifies_it_and_caches_it(source, monkeypatch, tmp_path):
    register(monkeypatch, "golden", source.as_uri(), hashlib.sha256(PAYLOAD).hexdigest())
    path = fetch("golden", tmp_path / "cache", progress=False)
    assert path == tmp_path / "cache/golden/golden.bin" and path.read_bytes() == PAYLOAD
    source.unlink()  # a second fetch must come from the cache
    assert fetch("golden", tmp_path / "cache", progress=False) == path


def test_fetch_keeps_nothing_when_the_digest_differs(source, monkeypatch, tmp_path):
    register(monkeypatch, "golden", source.as_uri(), "f" * 64)
    with pytest.raises(ChecksumError, match="expected f{64}"):
        fetch("golden", tmp_path / "cache", progress=False)
    assert list((tmp_path / "cache/golden").iterdir()) == []


def test_fetch_unpacks_an_archive_into_the_cache(tmp_path, monkeypatch):
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("set-main/good/a.txt", "a")
    digest = datasets.sha256_of(archive)
    register(monkeypatch, "zipped", archive.as_uri(), digest, subdir="set-main")
    folder = fetch("zipped", tmp_path / "cache", progress=False)
    assert (folder / "good/a.txt").read_text() == "a"


def test_fetch_without_a_recorded_digest_warns_with_the_actual_one(source, monkeypatch,
                                                                   tmp_path):
    register(monkeypatch, "golden", source.as_uri(), None)
    with pytest.warns(UserWarning, match=hashlib.sha256(PAYLOAD).hexdigest()):
        fetch("golden", tmp_path / "cache", progress=False)


def test_an_unknown_name_lists_the_known_ones(tmp_path):
    with pytest.raises(DatasetError, match="elpv, magnetic-tile"):
        fetch("mvtec", tmp_path)


def test_every_entry_has_a_licence_citation_and_a_source():
    for info in DATA_HUB.values():
        assert info.licence and info.citation and (info.url or info.pip)
        assert info.sha256 is None or len(info.sha256) == 64


@pytest.mark.skipif(importlib.util.find_spec("elpv_dataset") is None,
                    reason="elpv-dataset is not installed (pip install elpv-dataset)")
def test_elpv_is_fetched_by_pip_so_fetch_returns_its_folder(tmp_path):
    assert (fetch("elpv", tmp_path) / "labels.csv").is_file()


def test_fetch_shows_a_bar_only_on_a_terminal_when_progress_is_none(source, monkeypatch,
                                                                    tmp_path, capsys):
    register(monkeypatch, "golden", source.as_uri(), hashlib.sha256(PAYLOAD).hexdigest())
    assert fetch("golden", tmp_path / "cache", progress=None).read_bytes() == PAYLOAD
    assert capsys.readouterr().err == ""  # pytest's stderr is no terminal


def test_local_copy_finds_a_user_copy_a_download_or_the_shared_folder(tmp_path, monkeypatch):
    register(monkeypatch, "tiles", "file:///nowhere/tiles.zip", "0" * 64, subdir="tiles-main")
    monkeypatch.setenv("MICROFAB_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(datasets, "SHARED_DATA", tmp_path / "shared")
    assert datasets.local_copy("tiles") is None  # nothing anywhere: the caller says so
    shared = tmp_path / "shared" / "tiles" / "MT_Free"
    shared.mkdir(parents=True)
    assert datasets.local_copy("tiles") == shared.parent
    fetched = tmp_path / "data" / "tiles" / "unpacked" / "tiles-main" / "MT_Crack"
    fetched.mkdir(parents=True)
    assert datasets.local_copy("tiles") == fetched.parent
    own = tmp_path / "data" / "tiles" / "MT_Blowhole"
    own.mkdir()
    assert datasets.local_copy("tiles") == own.parent
    with pytest.raises(DatasetError):
        datasets.local_copy("no-such-set")
