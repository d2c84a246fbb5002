"""Building the web book: make the generated pages, run Jupyter Book strictly, check the site.

1. _toc.yml, the curriculum map and the labs' student releases are made from the units (each
   written only when it changed, so Sphinx re-reads only what changed);
2. the vendored JavaScript is copied from node_modules;
3. the executable pages (lessons, try-it) run through the notebook runner into the jupyter-cache
   (`microfab_book.execute`): only pages whose code, sessions or environment changed run again;
   a failing page stops the build, its report in _build/html/reports/;
4. `jupyter-book build -W -n --keep-going` renders the pages, taking every output from the
   cache (myst-nb executing a page itself is reported as a problem);
5. the built site is audited: no solution, hidden test or held-back session in any file, no
   script or stylesheet from another host. A site that fails the audit is deleted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from course_units import load_catalogue
from microfab_book.audit import AuditMemo, external_assets, find_leaks, secrets_key
from microfab_book.execute import BOOK_ENV, DEFAULT_TIMEOUT_S, PageExecution, execute_pages
from microfab_book.labs import LabPublication, publish_labs
from microfab_book.layout import (
    AUDIT_MEMO,
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
# myst-nb only merges cached outputs: a page it executes itself missed the runner's cache entry
SELF_EXECUTED = re.compile(r"^(?P<path>\S.*?): Executing notebook using")
PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL):")


@dataclass
class BookBuild:
    root: Path
    status: int = 0  # 0 when the site was built and passed its audit
    pages: PageExecution = field(default_factory=PageExecution)
    labs: LabPublication = field(default_factory=LabPublication)
    problems: list[str] = field(default_factory=list)  # warnings, errors, audit findings
    wall_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def executed(self) -> list[str]:
        """Pages executed in this build (docnames), failed or not."""
        return self.pages.executed

    @property
    def failed(self) -> list[str]:
        return self.pages.failed

    @property
    def reports(self) -> list[Path]:
        return self.pages.reports

    @property
    def notebooks_executed(self) -> int:
        """Pages executed plus labs run for expected figures."""
        return len(self.pages.executed) + len(self.labs.executed)

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


def _config_file(root: Path, config: dict, execute: str, jupyterhub_url: str | None
                 ) -> Path | None:
    """The configuration with this build's overrides, or None to use _config.yml as it is."""
    if execute != "off" and not jupyterhub_url:
        return None
    if execute == "off":
        config.setdefault("execute", {})["execute_notebooks"] = "off"
        # glued figures exist only in executed pages: without execution their absence is expected
        sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
        sphinx["suppress_warnings"] = [*sphinx.get("suppress_warnings", []), "mystnb.glue"]
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
    env = {**BOOK_ENV.kernel_env(), "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace") as process:
        for line in process.stdout:
            out.write(line)
            lines.append(ANSI.sub("", line.rstrip("\n")))
        status = process.wait()
    return status, lines


def read_log(lines: list[str], build: BookBuild) -> bool:
    """Collect the log's problems; False when myst-nb executed a page itself."""
    runner_only = True
    for line in lines:
        if match := SELF_EXECUTED.match(line):
            runner_only = False
            build.problems.append(f"{match['path']}: myst-nb executed this page itself: the "
                                  f"runner's cache entry did not match it")
        if PROBLEM.search(line):
            build.problems.append(line.strip())
    return runner_only


def build_book(root: Path, *, execute: str = "cache", jupyterhub_url: str | None = None,
               update_toc: bool = True, jobs: int | None = None, out=None) -> BookBuild:
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
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if execute != "off":
        timeout_s = int(config.get("execute", {}).get("timeout") or DEFAULT_TIMEOUT_S)
        build.pages = execute_pages(root, force=execute == "force", timeout_s=timeout_s,
                                    jobs=jobs, log=log)
        if build.pages.failed:
            build.status = 1
            build.problems += build.pages.failed
            build.wall_s = time.perf_counter() - started
            return build
    status, lines = run_jupyter_book(root, _config_file(root, config, execute, jupyterhub_url),
                                     out)
    (root / LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / LOG_FILE).write_text("\n".join(lines) + "\n")
    runner_only = read_log(lines, build)
    if status != 0 or not runner_only:
        build.status = 1
        # Sphinx re-reads only changed pages: forget the environment so that the next build
        # reports every problem again instead of passing on the pages that produced them.
        (root / ENVIRONMENT_PICKLE).unlink(missing_ok=True)
    else:
        catalogue = load_catalogue(units_dir(root))
        memo = AuditMemo(root / AUDIT_MEMO, secrets_key(catalogue))
        audit = [f"leak: {p}" for p in find_leaks(root / HTML_DIR, catalogue, memo)] + \
                [f"not offline: {p}" for p in external_assets(root / HTML_DIR, memo)]
        memo.save()  # files that passed, even when others failed: they need no second reading
        if audit:
            build.status = 1
            build.problems += audit
            shutil.rmtree(root / HTML_DIR, ignore_errors=True)
            (root / ENVIRONMENT_PICKLE).unlink(missing_ok=True)
    build.wall_s = time.perf_counter() - started
    return build

