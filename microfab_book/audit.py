"""Checks of a built site: nothing of a lab's solutions, hidden tests or held-back data is in
it, and no page loads a script or stylesheet from another host.

A rebuild changes few files: `AuditMemo` remembers which files (by content digest) passed each
check, and for the leak check under which lessons and labs, so only new or changed files are
read again.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from course_units.catalogue import Catalogue
from course_units.notebooks import MARKERS, marked_regions

HELD_BACK = ("backboard/grading",)  # recorded sessions only hidden tests may use
MEMO_FORMAT = 1  # bump when a check changes: every file is read again
MIN_SECRET_CHARS = 12  # shorter lines (`return mask`, `pass`) say nothing about a solution
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot",
                   ".otf", ".pickle", ".doctree", ".inv", ".zip", ".gz", ".pdf", ".mcap"}


@dataclass(frozen=True)
class Secret:
    unit: str
    kind: str  # solution, hidden test, mark scheme
    line: str


def normalise(text: str) -> str:
    return " ".join(text.split())


def lab_secrets(catalogue: Catalogue) -> list[Secret]:
    """Every non-trivial solution, hidden-test and mark-scheme line of every lab.

    A line that also appears where students may read it anyway -- in a lesson, or outside the
    marked regions of a lab -- is not a secret."""
    from course_units.notebooks import read_notebook
    from lab_kernels.cells import is_solution

    public = [normalise(line) for unit in catalogue.units
              for line in unit.lesson_path.read_text(encoding="utf-8").splitlines()]
    found = []
    for unit in catalogue.units:
        for cell in read_notebook(unit.lab_path).cells:
            has_markers = any(re.search(b, cell.source) for b, _ in MARKERS.values())
            if is_solution(cell) and not has_markers:
                # nbgrader replaces a solution cell without markers as a whole
                found += [(unit.id, "solution", line) for line in cell.source.splitlines()]
                continue
            rest = cell.source
            for kind, (begin, end) in MARKERS.items():
                inside, outside = marked_regions(rest, begin, end)
                found += [(unit.id, kind, line) for line in inside]
                rest = "\n".join(outside)
            public += [normalise(line) for line in rest.splitlines()]
    # whitespace-normalised as a whole, as the site is searched: a line students see wrapped
    # over two lines is still public
    public_text = normalise(" ".join(public))
    secrets = []
    for unit_id, kind, line in found:
        text = normalise(line)
        if len(text) >= MIN_SECRET_CHARS and text not in public_text:
            secrets.append(Secret(unit_id, kind, text))
    return secrets


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        if node and all(isinstance(item, str) for item in node):
            return ["".join(node)]
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    return []


def readable_text(path: Path) -> str | None:
    """What a reader of the file sees: tags stripped from HTML, strings out of notebooks."""
    if path.suffix.lower() in BINARY_SUFFIXES:
        return None
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".ipynb":
        try:
            return "\n".join(_strings(json.loads(raw)))
        except ValueError:
            return raw
    if path.suffix in (".html", ".htm"):
        return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))
    return raw + "\n" + html.unescape(raw)


class AuditMemo:
    """Files that passed a check, by content digest; kept in a JSON file between builds."""

    def __init__(self, path: Path | None, secrets_key: str = ""):
        self.path = path
        self.secrets_key = secrets_key
        self.passed: dict[str, dict[str, str]] = {"leaks": {}, "offline": {}}
        try:
            saved = json.loads(path.read_text()) if path else {}
        except (OSError, ValueError):
            saved = {}
        if saved.get("format") == MEMO_FORMAT:
            self.passed["offline"] = saved.get("offline", {})
            if saved.get("secrets_key") == secrets_key:  # other labs: every file is read again
                self.passed["leaks"] = saved.get("leaks", {})
        self._digests: dict[Path, str] = {}

    def digest(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digests[path]

    def passed_before(self, check: str, where: str, path: Path) -> bool:
        return self.passed[check].get(where) == self.digest(path)

    def record(self, check: str, where: str, path: Path) -> None:
        self.passed[check][where] = self.digest(path)

    def save(self) -> None:
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"format": MEMO_FORMAT,
                                             "secrets_key": self.secrets_key, **self.passed}))


def secrets_key(catalogue: Catalogue) -> str:
    """Changes whenever the secrets of `lab_secrets` could: any lesson or lab, any held-back
    session name, the rules of this module."""
    digest = hashlib.sha256(repr((HELD_BACK, MIN_SECRET_CHARS, MARKERS)).encode())
    for unit in sorted(catalogue.units, key=lambda u: u.id):
        digest.update(unit.id.encode())
        digest.update(unit.lesson_path.read_bytes())
        digest.update(unit.lab_path.read_bytes())
    return digest.hexdigest()


def find_leaks(site: Path, catalogue: Catalogue, memo: AuditMemo | None = None) -> list[str]:
    """'file: what leaked' for every secret line or held-back session found in the site."""
    memo = memo or AuditMemo(None)
    secrets = None  # extracted only when some file has to be read
    leaks = []
    for path in sorted(p for p in Path(site).rglob("*") if p.is_file()):
        if path.suffix.lower() in BINARY_SUFFIXES:
            continue
        where = path.relative_to(site)
        if memo.passed_before("leaks", str(where), path):
            continue
        text = readable_text(path)
        if text is None:
            continue
        if secrets is None:
            secrets = lab_secrets(catalogue)
        flat = normalise(text)
        found = [f"{where}: the held-back session {session!r}" for session in HELD_BACK
                 if session in text or session in flat]
        found += [f"{where}: a {secret.kind} line of {secret.unit}: {secret.line!r}"
                  for secret in secrets if secret.line in flat]
        if not found:
            memo.record("leaks", str(where), path)
        leaks += found
    return leaks


# a script URL written into an inline script, for a loader to fetch later
SCRIPT_URL = re.compile(r"""["'](?P<url>(?:https?:)?//[^"'\s]+\.m?js)["']""", re.IGNORECASE)


class _AssetLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.links.append(("script src", attrs["src"]))
        elif tag == "link" and attrs.get("href"):
            self.links.append(("link href", attrs["href"]))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.links += [("inline script loads", m["url"]) for m in SCRIPT_URL.finditer(data)]


def is_external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE))


def external_assets(site: Path, memo: AuditMemo | None = None) -> list[str]:
    """'page: <script src=URL>' for every script or link a page would fetch from another host."""
    memo = memo or AuditMemo(None)
    found = []
    for page in sorted(Path(site).rglob("*.html")):
        where = str(page.relative_to(site))
        if memo.passed_before("offline", where, page):
            continue
        parser = _AssetLinks()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        external = [f"{where}: <{kind}={url}>" for kind, url in parser.links if is_external(url)]
        if not external:
            memo.record("offline", where, page)
        found += external
    return found
