"""The book's executable pages run through the notebook runner, into myst-nb's jupyter-cache.

Jupyter Book's `cache` mode executes a page unless jupyter-cache holds a run of its code. Here
every executable page (the lessons, the try-it page) runs first through `lab_kernels.run`, read
exactly as myst-nb reads it, and its executed notebook goes into that cache: myst-nb then only
merges outputs, and never executes anything itself. A page runs again when its code, the shipped
sessions it reads, or the book's run environment changed. Every failing page is reported, with
the failing cell named and the traceback in _build/html/reports/<page>.err.log, before Sphinx
starts.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lab_kernels.run import RunEnv, RunResult, run_notebook
from microfab_book.layout import EXECUTED_DIR, EXECUTION_CACHE, REPORTS_DIR, is_lab_doc
from microfab_book.toc import TOC_FILE, toc_files

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
RUN_KEY = "microfab_run"  # in a cache record's data: the inputs the run depended on
DEFAULT_TIMEOUT_S = 300
BOOK_ENV = RunEnv(profile="replay", fast=False)  # the book shows full runs on recorded data


@dataclass
class PageExecution:
    executed: list[str] = field(default_factory=list)  # docnames run in this build
    reused: list[str] = field(default_factory=list)  # docnames whose cached run was still good
    failed: list[str] = field(default_factory=list)  # problems, one line per failing page
    reports: list[Path] = field(default_factory=list)  # tracebacks of the failing pages


def executable_pages(root: Path) -> list[tuple[str, Path]]:
    """(docname, path) of every page in _toc.yml that myst-nb would execute."""
    from myst_nb.core.read import is_myst_markdown_notebook

    toc = yaml.safe_load((Path(root) / TOC_FILE).read_text(encoding="utf-8"))
    pages = []
    for doc in sorted(toc_files(toc)):
        path = Path(root) / f"{doc}.md"
        if is_lab_doc(doc) or not path.is_file():
            continue  # labs are published as nbgrader's release and never executed by the book
        if is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
            pages.append((doc, path))
    return pages


def read_page(path: Path):
    """The notebook myst-nb builds from a page: the same code cells, so the same cache key."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text)
    return reader.read(text)


def sessions_fingerprint() -> bytes:
    """Pages and expected figures are drawn from the shipped sessions: a new recording redraws
    them."""
    import hardware_shims

    checksums = Path(hardware_shims.__file__).parent / "sessions" / "checksums.json"
    return checksums.read_bytes() if checksums.is_file() else b""


def run_fingerprint() -> str:
    """What a run depends on besides its code: the book's environment and the sessions."""
    digest = hashlib.sha256(BOOK_ENV.fingerprint().encode())
    digest.update(sessions_fingerprint())
    return digest.hexdigest()[:24]


def default_jobs() -> int:
    """Pages run side by side, one kernel per core (at most 4: each holds a page's data)."""
    import os

    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


def execute_pages(root: Path, *, force: bool = False, timeout_s: int = DEFAULT_TIMEOUT_S,
                  jobs: int | None = None, log=print) -> PageExecution:
    """Run every executable page whose cached run is missing or stale, `jobs` at a time in
    worker processes; cache each success."""
    from jupyter_cache import get_cache

    root = Path(root)
    cache = get_cache(str(root / EXECUTION_CACHE))
    fingerprint = run_fingerprint()
    result = PageExecution()
    stale = []
    for doc, path in executable_pages(root):
        notebook = read_page(path)
        if not force and _cached(cache, notebook, fingerprint):
            result.reused.append(doc)
        else:
            stale.append((doc, path, notebook))
    # the longest pages first, so the last one to finish does not start last
    stale.sort(key=lambda page: -_expected_seconds(cache, page[1]))
    jobs = min(jobs or default_jobs(), len(stale)) or 1
    for doc, _, _ in stale:
        log(f"book: executing {doc}" + (f" ({jobs} pages at a time)" if jobs > 1 else ""))
    for doc, path, notebook, run in _run_pages(root, stale, timeout_s, jobs):
        result.executed.append(doc)
        if not run.ok:
            result.failed.append(f"{run.failure.describe(path)} (executed notebook: "
                                 f"{root / EXECUTED_DIR / f'{doc}.ipynb'})")
            result.reports.append(_write_report(root, doc, run))
            continue
        log(f"book: {doc} ran in {run.wall_s:.0f} s")
        _cache_run(cache, notebook, path, run, fingerprint)
    result.executed.sort()
    return result


def run_page(root: Path, doc: str, path: Path, notebook, timeout_s: int) -> RunResult:
    """One page through the runner, its executed notebook kept under _build for inspection."""
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    executed = root / EXECUTED_DIR / f"{doc}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    return run_notebook(notebook, BOOK_ENV, cwd=path.parent, timeout_s=timeout_s,
                        kernel_name=kernel, output=executed)


def _run_pages(root: Path, stale: list, timeout_s: int, jobs: int):
    """(doc, path, notebook, run) as each page finishes."""
    if jobs <= 1:
        for doc, path, notebook in stale:
            yield doc, path, notebook, run_page(root, doc, path, notebook, timeout_s)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn: a fresh interpreter per worker, nothing of the builder's state (or threads) forked
    with ProcessPoolExecutor(max_workers=jobs,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_page, root, doc, path, notebook, timeout_s):
                   (doc, path, notebook) for doc, path, notebook in stale}
        for future in as_completed(futures):
            yield (*futures[future], future.result())


def _expected_seconds(cache, path: Path) -> float:
    """How long the page's last cached run took; unknown pages count as long (run them early)."""
    try:
        records = [r for r in cache.list_cache_records() if Path(r.uri) == path]
    except Exception:  # an unreadable cache only costs the ordering
        records = []
    if records:
        return float((records[-1].data or {}).get("execution_seconds", 0.0))
    return 1e6 + path.stat().st_size


def _cache_run(cache, notebook, path: Path, run: RunResult, fingerprint: str) -> None:
    from jupyter_cache.base import CacheBundleIn

    cache.cache_notebook_bundle(
        CacheBundleIn(_outputs_into(notebook, run.notebook), str(path),
                      data={"execution_seconds": round(run.wall_s, 2), RUN_KEY: fingerprint}),
        check_validity=False, overwrite=True)


def _cached(cache, notebook, fingerprint: str) -> bool:
    try:
        record = cache.match_cache_notebook(notebook)
    except KeyError:
        return False
    return (record.data or {}).get(RUN_KEY) == fingerprint


def _outputs_into(page, executed):
    """The page as myst-nb read it, with the run's outputs: cell metadata (which jupyter-cache
    hashes) stays as the page has it, so myst-nb's lookup finds this run."""
    page = copy.deepcopy(page)
    ran = [cell for cell in executed.cells if cell.cell_type == "code"]
    for cell, result in zip([c for c in page.cells if c.cell_type == "code"], ran, strict=True):
        cell.outputs = result.get("outputs", [])
        cell.execution_count = result.get("execution_count")
    for key in ("language_info", "widgets"):
        if key in executed.metadata:
            page.metadata[key] = executed.metadata[key]
    return page


def _write_report(root: Path, doc: str, run: RunResult) -> Path:
    """The failing cell's traceback, where myst-nb writes its execution reports."""
    report = root / REPORTS_DIR / f"{doc}.err.log"
    report.parent.mkdir(parents=True, exist_ok=True)
    failure = run.failure
    traceback = []
    for cell in run.notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                traceback = output.get("traceback", [])
    report.write_text(ANSI.sub("", "\n".join([failure.describe(doc), "", *traceback])) + "\n",
                      encoding="utf-8")
    return report
