"""Building the web book: make the generated pages, run Jupyter Book strictly, check the site.

1. _toc.yml, the curriculum map and the labs' student releases are made from the units (each
   written only when it changed, so Sphinx re-reads only what changed);
2. the vendored JavaScript is copied from node_modules;
3. `jupyter-book build -W -n --keep-going` runs with MICROFAB_PROFILE=replay: lessons execute
   through the jupyter-cache, so only notebooks whose code changed run again; a failing notebook
   is a warning (and so an error) after myst-nb has written its report to _build/html/reports/;
4. the built site is audited: no solution, hidden test or held-back session in any file, no
   script or stylesheet from another host. A site that fails the audit is deleted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autograder.profile_env import notebook_env
from course_units import load_catalogue
from microfab_book.audit import external_assets, find_leaks
from microfab_book.labs import LabPublication, publish_labs
from microfab_book.layout import (
    ENVIRONMENT_PICKLE,
    GENERATED_DIR,
    HTML_DIR,
    LOG_FILE,
    REPORTS_DIR,
    STAGING_DIR,
    units_dir,
)
from microfab_book.map import write_curriculum_map
from microfab_book.toc import TOC_FILE, write_toc
from microfab_book.vendor import vendor_assets

EXECUTION_MODES = ("cache", "force", "off")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
EXECUTED = re.compile(r"^(?P<path>\S.*?): Executed notebook in (?P<seconds>[0-9.]+) seconds")
FAILED = re.compile(r"^(?P<path>\S.*?): (WARNING: )?Executing notebook failed")
CACHED = re.compile(r"^(?P<path>\S.*?): Using cached notebook")
PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL):")


@dataclass
class BookBuild:
    root: Path
    status: int = 0  # 0 when the site was built and passed its audit
    executed: list[str] = field(default_factory=list)  # notebooks myst-nb executed
    failed: list[str] = field(default_factory=list)  # notebooks that failed to execute
    cached: list[str] = field(default_factory=list)  # notebooks taken from the cache on re-read
    labs: LabPublication = field(default_factory=LabPublication)
    problems: list[str] = field(default_factory=list)  # warnings, errors, audit findings
    reports: list[Path] = field(default_factory=list)  # myst-nb execution reports
    wall_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def notebooks_executed(self) -> int:
        """Lessons and pages executed by Jupyter Book plus labs run for expected figures."""
        return len(self.executed) + len(self.failed) + len(self.labs.executed)

    @property
    def index(self) -> Path:
        return self.root / HTML_DIR / "index.html"


def prepare(root: Path, *, update_toc: bool = True, expected_outputs: bool = True,
            log=print) -> LabPublication:
    """Everything Jupyter Book reads that the build makes: toc, map, labs, vendored files."""
    root = Path(root)
    catalogue = load_catalogue(units_dir(root))  # UnitFormatError names file and key
    (root / GENERATED_DIR).mkdir(parents=True, exist_ok=True)
    (root / GENERATED_DIR / ".gitignore").write_text("# made by `microfab book build`\n*\n")
    # With update_toc=False _toc.yml is used as it is; the book's Sphinx extension then fails
    # the build on any unit missing from it (microfab_book.sphinx.check_units_in_toc).
    if update_toc and write_toc(root, catalogue):
        log(f"book: wrote {TOC_FILE} from the units ({len(catalogue.units)} units)")
    for path in write_curriculum_map(root, catalogue):
        log(f"book: wrote {path.relative_to(root)}")
    labs = publish_labs(root, catalogue, expected_outputs=expected_outputs, log=log)
    vendor_assets(root, log=log)
    return labs


def _config_file(root: Path, execute: str, jupyterhub_url: str | None) -> Path | None:
    """The configuration with this build's overrides, or None to use _config.yml as it is."""
    if execute == "cache" and not jupyterhub_url:
        return None
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = execute
    if jupyterhub_url:
        config.setdefault("launch_buttons", {})["jupyterhub_url"] = jupyterhub_url
    path = root / STAGING_DIR / "_config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# _config.yml with the overrides of one `microfab book build`\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def run_jupyter_book(root: Path, config: Path | None, out=None) -> tuple[int, list[str]]:
    """jupyter-book build, strict, lessons on recorded data; (exit status, log lines)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(root), "--builder", "html", "-W", "-n",
               "--keep-going"]
    if config is not None:
        command += ["--config", str(config)]
    out = out or sys.stdout
    lines = []
    with notebook_env(profile="replay", fast=False):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace") as process:
            for line in process.stdout:
                out.write(line)
                lines.append(ANSI.sub("", line.rstrip("\n")))
            status = process.wait()
    return status, lines


def read_log(lines: list[str], build: BookBuild) -> None:
    for line in lines:
        if match := EXECUTED.match(line):
            build.executed.append(match["path"])
        elif match := FAILED.match(line):
            build.failed.append(match["path"])
        elif match := CACHED.match(line):
            build.cached.append(match["path"])
        if PROBLEM.search(line):
            build.problems.append(line.strip())


def build_book(root: Path, *, execute: str = "cache", jupyterhub_url: str | None = None,
               update_toc: bool = True, out=None) -> BookBuild:
    """Prepare, build and audit the book under `root`; never raises for a failed build."""
    from autograder.course import NbgraderError
    from course_units import UnitFormatError
    from microfab_book.labs import LabPublishError
    from microfab_book.vendor import VendorError

    out = out or sys.stdout
    root = Path(root).resolve()
    build = BookBuild(root)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, file=out, flush=True)

    try:
        build.labs = prepare(root, update_toc=update_toc, expected_outputs=execute != "off",
                             log=log)
    except (UnitFormatError, LabPublishError, NbgraderError, VendorError) as exc:
        build.status = 2
        build.problems.append(str(exc))
        build.wall_s = time.perf_counter() - started
        return build
    shutil.rmtree(root / REPORTS_DIR, ignore_errors=True)  # reports of this build only
    status, lines = run_jupyter_book(root, _config_file(root, execute, jupyterhub_url), out)
    (root / LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / LOG_FILE).write_text("\n".join(lines) + "\n")
    read_log(lines, build)
    build.reports = sorted((root / REPORTS_DIR).rglob("*.log")) \
        if (root / REPORTS_DIR).is_dir() else []
    if status != 0:
        build.status = 1
        # Sphinx re-reads only changed pages: forget the environment so that the next build
        # reports every problem again instead of passing on the pages that produced them.
        (root / ENVIRONMENT_PICKLE).unlink(missing_ok=True)
    else:
        catalogue = load_catalogue(units_dir(root))
        audit = [f"leak: {p}" for p in find_leaks(root / HTML_DIR, catalogue)] + \
                [f"not offline: {p}" for p in external_assets(root / HTML_DIR)]
        if audit:
            build.status = 1
            build.problems += audit
            shutil.rmtree(root / HTML_DIR, ignore_errors=True)
            (root / ENVIRONMENT_PICKLE).unlink(missing_ok=True)
    build.wall_s = time.perf_counter() - started
    return build

