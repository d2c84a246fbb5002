"""A copy of the book's sources elsewhere, to build it without touching the repository (tests,
the build benchmark): configuration, pages, units and the npm lock; node_modules is linked."""

from __future__ import annotations

import shutil
from pathlib import Path

from course_units import load_catalogue
from microfab_book.layout import EXECUTION_CACHE, GENERATED_DIR

ROOT_FILES = ("_config.yml", "_toc.yml", "package.json", "package-lock.json")


def copy_book_sources(repo: Path, dest: Path, units_from: Path | None = None,
                      unit_ids: list[str] | None = None, reuse_caches: bool = False) -> Path:
    """Copy the book under `repo` to `dest` (which must not exist).

    units_from: the units folder to copy (default repo/course_units); unit_ids: only these
    units (default: every unit of the catalogue); reuse_caches: also copy the repository's
    execution cache and generated pages, so unchanged notebooks and labs are not run again.
    """
    repo, dest = Path(repo), Path(dest)
    units = Path(units_from) if units_from else repo / "course_units"
    dest.mkdir(parents=True)
    for name in ROOT_FILES:
        if (repo / name).is_file():
            shutil.copy2(repo / name, dest / name)
    shutil.copytree(repo / "book", dest / "book", ignore=shutil.ignore_patterns(
        "__pycache__", *([] if reuse_caches else [GENERATED_DIR.name])))
    keep = unit_ids or [u.folder.name for u in load_catalogue(units).units]
    (dest / "course_units").mkdir()
    shutil.copy2(units / "competencies.yaml", dest / "course_units" / "competencies.yaml")
    for name in keep:
        shutil.copytree(units / name, dest / "course_units" / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    if (repo / "node_modules").is_dir():
        (dest / "node_modules").symlink_to((repo / "node_modules").resolve())
    cache = repo / EXECUTION_CACHE
    if reuse_caches and cache.is_dir():
        shutil.copytree(cache, dest / EXECUTION_CACHE)
    return dest
