"""Public defect data sets a user may download: where, checksum, licence, citation.

    from hardware_shims.recording.datasets import fetch
    folder = fetch("magnetic-tile")    # download once, verify SHA-256, unpack, cache
    # then: microfab data import image-mask FOLDER --out tiles.mcap

In the style of d2l's DATA_HUB: one entry per data set, and a download that is checked
against a recorded SHA-256 before anything uses it. The project never ships the images.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.request
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import ShimError

_CHUNK = 1 << 20
_ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


class DatasetError(ShimError, LookupError):
    """An unknown data-set name, or one that cannot be fetched the way it was asked."""


class ChecksumError(ShimError, ValueError):
    """A downloaded or cached file is not the one the registry recorded."""


@dataclass(frozen=True)
class DatasetInfo:
    """One downloadable data set. `url` None means a pip package (`pip`) provides it."""

    name: str
    description: str
    homepage: str
    licence: str
    citation: str
    layout: str  # the importer that reads it: microfab data import LAYOUT
    url: str | None = None
    sha256: str | None = None
    subdir: str = ""  # the data set's folder inside the unpacked archive
    exclude: tuple[str, ...] = ()  # files in the archive that are not data-set items
    pip: str | None = None
    note: str = ""


_MT_COMMIT = "cc4eb530b57b9cb7225bf76023873043ffd50655"

DATA_HUB: dict[str, DatasetInfo] = {
    "magnetic-tile": DatasetInfo(
        name="magnetic-tile",
        description="1,344 magnetic-tile surface images with pixel masks: blowhole, break, "
        "crack, fray, uneven, free",
        homepage="https://github.com/abin24/Magnetic-tile-defect-datasets.",
        licence="no licence file; the authors welcome research use and ask to be cited "
        "(no right to redistribute)",
        citation="Huang, Y., Qiu, C., Yuan, K.: Surface defect saliency of magnetic tile. "
        "The Visual Computer 36, 85-96 (2020). doi:10.1007/s00371-018-1588-5",
        layout="image-mask",
        # Pinned to a commit: a branch archive could change under the same URL.
        url="https://github.com/abin24/Magnetic-tile-defect-datasets./archive/"
        f"{_MT_COMMIT}.zip",
        sha256="592b050953d1de4ffa538b93b6b91aee7268d8e59b73d4d9c92cfce187d7ce66",
        subdir=f"Magnetic-tile-defect-datasets.-{_MT_COMMIT}",
        exclude=("dataset.jpg",),
        note="digest as recorded by a third-party download script, not yet checked by "
        "microfab; GitHub does not promise byte-stable archives, so on a mismatch compare "
        "the content with the repository before trusting or updating it",
    ),
    "elpv": DatasetInfo(
        name="elpv",
        description="2,624 electroluminescence solar-cell images (300x300) with defect "
        "probabilities and mono/poly module type",
        homepage="https://github.com/zae-bayern/elpv-dataset",
        licence="CC BY-NC-SA 4.0 (non-commercial use, attribution, share alike)",
        citation="Buerhop-Lutz, C., Deitsch, S., et al.: A Benchmark for Visual "
        "Identification of Defective Solar Cells in Electroluminescence Imagery. EU PVSEC "
        "2018. doi:10.4229/35thEUPVSEC20182018-5CV.3.15; Deitsch, S., et al.: Automatic "
        "classification of defective photovoltaic module cells in electroluminescence "
        "images. Solar Energy 185, 455-468 (2019). doi:10.1016/j.solener.2019.02.067",
        layout="elpv",
        pip="elpv-dataset",
        note="installed by pip, no download: pip install elpv-dataset",
    ),
}


def default_cache_dir() -> Path:
    """$MICROFAB_DATA, else ~/.cache/microfab/datasets."""
    env = os.environ.get("MICROFAB_DATA")
    return Path(env) if env else Path.home() / ".cache" / "microfab" / "datasets"


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha256(path: str | Path, expected: str) -> None:
    """Raise ChecksumError naming the file and both digests unless `path` hashes to `expected`."""
    actual = sha256_of(path)
    if actual != expected.lower():
        raise ChecksumError(_mismatch(str(path), expected, actual))


def _mismatch(what: str, expected: str, actual: str) -> str:
    return (f"SHA-256 mismatch for {what}: expected {expected.lower()}, got {actual}. The "
            "file is corrupt, incomplete or not the recorded version; delete it and fetch "
            "again, and if it still differs, check the source before using it")


def lookup(name: str) -> DatasetInfo:
    if name not in DATA_HUB:
        raise DatasetError(f"unknown data set {name!r}; known: {', '.join(sorted(DATA_HUB))} "
                           "(microfab data list)")
    return DATA_HUB[name]


# A lab's shared drive mounted beside the project: <project>/../shared/data/NAME.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def local_copy(name: str) -> Path | None:
    """A copy of data set `name` already on this machine, without downloading anything:
    $MICROFAB_DATA/NAME, the unpacked download of `fetch`, or the shared data folder beside the
    project; None when there is none."""
    info = lookup(name)
    cache = default_cache_dir() / info.name
    unpacked = cache / "unpacked" / info.subdir if info.subdir else cache / "unpacked"
    for folder in (cache, unpacked, SHARED_DATA / info.name):
        if folder.is_dir() and any(child.is_dir() and child.name != "unpacked"
                                   for child in folder.iterdir()):
            return folder
    return None


def fetch(name: str, cache_dir: str | Path | None = None, progress: bool | None = True
          ) -> Path:
    """Download data set `name` into the cache once, verify it, unpack it; return its folder.

    A pip data set returns its installed data folder (or says how to install it).
    A non-archive download returns the file itself. progress None: a bar on a terminal only.
    """
    info = lookup(name)
    if info.url is None:
        return _installed(info)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder = folder / info.name
    target = folder / (Path(unquote(urlparse(info.url).path)).name or info.name)
    unpacked = folder / "unpacked"
    if not target.is_file() or not _cached_ok(target, info):
        _download(info, target, progress)
        shutil.rmtree(unpacked, ignore_errors=True)  # it came from the old download
    if not target.name.endswith(_ARCHIVES):
        return target
    if not unpacked.is_dir():
        staging = folder / ".unpacking"
        shutil.rmtree(staging, ignore_errors=True)
        # Nothing may land outside staging: tar needs the "data" filter, zip is checked by
        # shutil itself (and its unpacker takes no filter on Python 3.11).
        safe = {} if target.name.endswith(".zip") else {"filter": "data"}
        try:
            shutil.unpack_archive(target, staging, **safe)
        except (shutil.ReadError, zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise DatasetError(f"cannot unpack {target} ({exc}); delete it and fetch "
                               "again") from exc
        staging.replace(unpacked)  # a half-unpacked folder never looks complete
    return unpacked / info.subdir if info.subdir else unpacked


def _cached_ok(target: Path, info: DatasetInfo) -> bool:
    if info.sha256 is None:
        return True
    try:
        verify_sha256(target, info.sha256)
    except ChecksumError:
        return False  # a stale or damaged cache entry: download it again
    return True


def _download(info: DatasetInfo, target: Path, progress: bool | None) -> None:
    from tqdm.auto import tqdm  # deferred: only downloads need it

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(info.url, timeout=60) as response, \
                open(partial, "wb") as out, \
                tqdm(total=int(response.headers.get("Content-Length") or 0) or None,
                     desc=f"downloading {info.name}", unit="B", unit_scale=True,
                     disable=None if progress is None else not progress) as bar:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                bar.update(len(chunk))
        if info.sha256 is None:
            warnings.warn(
                f"{info.name} has no recorded SHA-256; {target} hashes to "
                f"{sha256_of(partial)}: compare it with the publisher's before use",
                stacklevel=3,
            )
        elif (actual := sha256_of(partial)) != info.sha256.lower():
            raise ChecksumError(_mismatch(f"{info.url} (not kept as {target})", info.sha256,
                                          actual))
        partial.replace(target)
    except OSError as exc:
        raise DatasetError(f"cannot download {info.name} from {info.url} ({exc}); check the "
                           f"network, or download it by hand into {target}") from exc
    finally:
        partial.unlink(missing_ok=True)


def elpv_data_dir() -> Path:
    """The images/ + labels.csv folder inside the installed elpv-dataset package."""
    try:
        import elpv_dataset
    except ImportError:
        raise ShimError(
            "the ELPV data set is not installed; run `pip install elpv-dataset` "
            "(licence CC BY-NC-SA 4.0, non-commercial use), then import it again"
        ) from None
    return Path(elpv_dataset.__file__).parent / "data"


def _installed(info: DatasetInfo) -> Path:
    if info.layout == "elpv":
        return elpv_data_dir()
    raise DatasetError(f"{info.name} comes from pip: pip install {info.pip}")
