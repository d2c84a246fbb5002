"""Where the web book's pages come from and where its build products go.

Hand-written pages live in book/; pages made from the units at build time (the curriculum map,
the labs' student releases) go to book/generated/, which git ignores; everything else the build
makes (the nbgrader course the releases come from, vendored JavaScript, the build log) goes to
_build/book/. Paths are relative to the repository root, which is also the Sphinx source folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course_units.catalogue import Unit

INTRO_DOC = "book/intro"
TRY_IT_DOC = "book/try-it"
GUIDE_DOCS = ("book/lab-setup", "book/instructor-guide")

GENERATED_DIR = Path("book/generated")
LAB_PAGES_DIR = GENERATED_DIR / "labs"
CURRICULUM_MAP_DOC = f"{GENERATED_DIR.as_posix()}/curriculum-map"

BUILD_DIR = Path("_build")
HTML_DIR = BUILD_DIR / "html"
REPORTS_DIR = HTML_DIR / "reports"
STAGING_DIR = BUILD_DIR / "book"
COURSE_DIR = STAGING_DIR / "course"  # the nbgrader course the labs' student releases come from
EXPECTED_RUNS_DIR = STAGING_DIR / "expected-output"  # source labs run here, never published
EXECUTED_DIR = STAGING_DIR / "executed"  # every executable page's last run, as the runner left it
EXECUTION_CACHE = BUILD_DIR / ".jupyter_cache"  # Jupyter Book's default: myst-nb reads it
SITE_EXTRA_DIR = STAGING_DIR / "site-extra"  # html_extra_path: copied as-is into the site
VENDOR_SUBDIR = "vendor"  # under the site root: _build/html/vendor/...
ENVIRONMENT_PICKLE = BUILD_DIR / ".doctrees" / "environment.pickle"
LOG_FILE = STAGING_DIR / "build.log"
AUDIT_MEMO = STAGING_DIR / "audit-memo.json"  # site files that passed the audit, by digest


def units_dir(root: Path) -> Path:
    return Path(root) / "course_units"


def lesson_doc(unit: Unit) -> str:
    return f"course_units/{unit.folder.name}/lesson"


def lab_doc(unit: Unit) -> str:
    return f"{LAB_PAGES_DIR.as_posix()}/{unit.id}"


def lab_page(root: Path, unit: Unit) -> Path:
    return Path(root) / LAB_PAGES_DIR / f"{unit.id}.ipynb"


def is_lab_doc(docname: str) -> bool:
    return docname.startswith(LAB_PAGES_DIR.as_posix() + "/")
