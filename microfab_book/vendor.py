"""The JavaScript the book would otherwise load from CDNs, copied from node_modules.

package.json pins MathJax, RequireJS, the ipywidgets HTML manager and thebe (live code);
`npm ci` installs them and
the build copies what the site needs into _build/book/site-extra/vendor/, which Sphinx copies to
_build/html/vendor/ (html_extra_path). The folder must not be the book's `_static`: Jupyter Book
would add every script in it to every page.
"""

from __future__ import annotations

import filecmp
import fnmatch
import shutil
import subprocess
from pathlib import Path

from microfab_book.layout import SITE_EXTRA_DIR, VENDOR_SUBDIR

# (npm package, path inside it, destination under vendor/, names or patterns to leave out)
ASSETS = [
    # MathJax 3, SVG output: no web fonts, which browsers refuse to load from file:// pages.
    ("mathjax", "es5/tex-svg.js", "mathjax/tex-svg.js", ()),
    ("mathjax", "es5/input", "mathjax/input", ()),
    ("mathjax", "es5/output/svg", "mathjax/output/svg", ()),
    ("mathjax", "es5/output/svg.js", "mathjax/output/svg.js", ()),
    ("mathjax", "es5/ui", "mathjax/ui", ()),
    ("mathjax", "es5/a11y", "mathjax/a11y", ()),
    ("mathjax", "es5/sre", "mathjax/sre", ()),
    ("mathjax", "es5/adaptors", "mathjax/adaptors", ()),
    ("mathjax", "LICENSE", "mathjax/LICENSE", ()),
    ("requirejs", "require.js", "requirejs/require.js", ()),
    ("requirejs", "README.md", "requirejs/README.md", ()),
    # embed-amd.js finds its fonts next to itself
    ("@jupyter-widgets/html-manager", "dist", "html-manager",
     ("embed.js", "embed.js.map", "embed.js.LICENSE.txt", "libembed-amd.js")),
    # thebe's webpack chunks load relative to index.js: the whole lib/ stays together
    ("thebe", "lib", "thebe", ("types", "*.map")),
    ("thebe", "package.json", "thebe/package.json", ()),
]
THEBE_DIR = "thebe"  # under vendor/: index.js, its chunks and thebe.css
# thebe's widget manager fetches RequireJS from a CDN before it draws any widget, even ipywidgets'
# own, which it bundles: the vendored copy fetches the book's RequireJS from the address the
# book's live-code loader leaves in this global.
REQUIREJS_GLOBAL = "microfabRequireJs"
# (file under vendor/, text in it, replacement): each text must occur exactly once
PATCHES = [
    (f"{THEBE_DIR}/index.js",
     '"https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js"',
     f"window.{REQUIREJS_GLOBAL}"),
]


class VendorError(RuntimeError):
    """The npm packages are missing and could not be installed."""


def node_modules(root: Path) -> Path:
    return Path(root) / "node_modules"


def missing_packages(root: Path) -> list[str]:
    packages = sorted({package for package, *_ in ASSETS})
    return [p for p in packages if not (node_modules(root) / p / "package.json").is_file()]


def ensure_node_modules(root: Path, log=print) -> None:
    """Install the pinned packages with `npm ci` when they are missing."""
    missing = missing_packages(root)
    if not missing:
        return
    lock = Path(root) / "package-lock.json"
    npm = shutil.which("npm")
    if not lock.is_file() or npm is None:
        raise VendorError(
            f"the book's JavaScript ({', '.join(missing)}) is not in {node_modules(root)} and "
            f"{'npm is not installed' if npm is None else 'there is no package-lock.json'}; "
            "install Node.js and run `npm ci` at the repository root")
    log(f"book: installing {', '.join(missing)} with npm ci (package-lock.json)")
    done = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                          cwd=root, capture_output=True, text=True)
    if done.returncode != 0 or missing_packages(root):
        raise VendorError(f"`npm ci` failed in {root}:\n{done.stdout}{done.stderr}\n"
                          "Run it yourself where the npm registry is reachable")


def _copy(src: Path, dst: Path, leave_out: tuple[str, ...]) -> int:
    """Copy a file or tree, skipping files that are already identical; files copied."""
    if src.is_file():
        if dst.is_file() and filecmp.cmp(src, dst, shallow=True):
            return 0
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        return 1
    return sum(_copy(child, dst / child.name, leave_out)
               for child in sorted(src.iterdir())
               if not any(fnmatch.fnmatch(child.name, pattern) for pattern in leave_out))


def vendor_assets(root: Path, log=print) -> Path:
    """Copy the vendored files into the site's extra folder; returns that folder."""
    ensure_node_modules(root, log)
    extra = Path(root) / SITE_EXTRA_DIR
    for package, inside, destination, leave_out in ASSETS:
        source = node_modules(root) / package / inside
        if not source.exists():
            raise VendorError(f"{source} is missing: the installed {package} is not the version "
                              "package-lock.json pins; run `npm ci` at the repository root")
        _copy(source, extra / VENDOR_SUBDIR / destination, leave_out)
    for name, text, replacement in PATCHES:
        _patch(extra / VENDOR_SUBDIR / name, text, replacement)
    return extra


def _patch(path: Path, text: str, replacement: str) -> None:
    content = path.read_text(encoding="utf-8")
    if content.count(replacement) == 1 and text not in content:
        return  # patched before and not copied again
    if content.count(text) != 1:
        raise VendorError(f"{path}: expected {text} once, found it {content.count(text)} times; "
                          "the npm package is not the version package-lock.json pins (the "
                          "patch in microfab_book/vendor.py needs updating); run `npm ci`")
    path.write_text(content.replace(text, replacement), encoding="utf-8")
