"""Pins a fresh machine can install: `name==version` only, each found by name in the registry.

    python scripts/pins.py freeze [--python .venv/bin/python] [--out constraints.txt]
        rewrite constraints.txt from what is installed in the environment
    python scripts/pins.py check [ROOT]
        list every direct or local reference in the project's dependency files (exit 1 on any)

`make constraints` runs `freeze` on the project's environment. A freeze writes only
`name==version`: it leaves out the project itself and editable installs, drops local version
tags (`torch==2.13.0`, never `+cpu`) and refuses to write a direct reference (`@`, `file:`, a path
or a URL), which would install only on the machine where the freeze was taken.
Standard library only: it runs before the environment exists.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

PROJECT = "microfab"
# What every environment has and pip freeze leaves out too.
TOOLING = {"pip", "setuptools", "wheel", "distribute"}
HEADER = """\
# The known-good stack, used as pip constraints by the Makefile: `name==version` only, each
# resolvable by name from the package index. Regenerate with `make constraints`
# (scripts/pins.py freeze); pyproject.toml keeps looser ranges for use elsewhere.
"""
# A pin a fresh machine can resolve: a plain name and a plain public version.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[0-9][A-Za-z0-9.!-]*)$")
# What only works where it was written: direct references, files, paths, URLs, VCS.
DIRECT = re.compile(r"(\s@\s|\s@$|^@|file:|https?://|git\+|svn\+|hg\+|bzr\+|\.whl\b|\.tar\.gz\b"
                    r"|\.zip\b|^\.{0,2}/|^-e\s|^--editable|^-f\s|^--find-links|^--index-url"
                    r"|^--extra-index-url|^-i\s|\s-e\s)")
# npm specs that install from somewhere other than the registry by name.
NPM_DIRECT = re.compile(r"^(file:|link:|git|github:|https?:|\.{0,2}/|[\w-]+/[\w.-]+(#.*)?$)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_line(name: str, version: str) -> str:
    """`name==version` for one installed distribution, local tag dropped; refuses anything else."""
    public = version.split("+", 1)[0]
    line = f"{name}=={public}"
    if not PIN.match(line) or DIRECT.search(line):
        raise ValueError(f"refusing to pin {name!r} {version!r}: not a plain name==version "
                         "that a fresh machine can resolve from the package index")
    return line


def installed(python: str) -> list[dict]:
    """Every distribution in the environment of `python`, with how it was installed."""
    code = (
        "import importlib.metadata as m, json\n"
        "out = []\n"
        "for d in m.distributions():\n"
        "    direct = d.read_text('direct_url.json')\n"
        "    out.append({'name': d.metadata['Name'], 'version': d.version,\n"
        "                'direct_url': json.loads(direct) if direct else None})\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(subprocess.run([python, "-c", code], check=True, capture_output=True,
                                     text=True).stdout)


def freeze(distributions: list[dict]) -> tuple[list[str], list[str]]:
    """(pins, notes): one pin per registry package; the project and editable installs left out."""
    pins, notes, seen = [], [], set()
    for dist in sorted(distributions, key=lambda d: normalise(d["name"] or "")):
        name = dist["name"]
        if not name or normalise(name) in seen | TOOLING or normalise(name) == PROJECT:
            continue
        seen.add(normalise(name))
        direct = dist.get("direct_url") or {}
        if direct.get("dir_info", {}).get("editable"):
            notes.append(f"left out {name}: an editable install")
            continue
        if direct:
            notes.append(f"{name} was installed from {direct.get('url', 'a direct reference')}; "
                         f"pinned by name as {name}=={dist['version'].split('+')[0]}: "
                         "check that the package index has that version")
        pins.append(pin_line(name, dist["version"]))
    return pins, notes


def requirement_problems(path: Path, text: str) -> list[str]:
    """Direct references in a pip requirements or constraints file."""
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if DIRECT.search(line):
            problems.append(f"{path}:{number}: direct or local reference {line!r}")
    return problems


def constraint_problems(path: Path, text: str) -> list[str]:
    """constraints.txt: every line a comment or an exact `name==version` pin."""
    problems = requirement_problems(path, text)
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#") and not PIN.match(line):
            problems.append(f"{path}:{number}: {line!r} is not pinned as name==version")
    return problems


def pyproject_problems(path: Path, text: str) -> list[str]:
    import tomllib

    data = tomllib.loads(text)
    project = data.get("project", {})
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    requirements += data.get("build-system", {}).get("requires", [])
    return [f"{path}: direct or local reference {req!r}" for req in requirements
            if DIRECT.search(req)]


def package_json_problems(path: Path, text: str) -> list[str]:
    data = json.loads(text)
    problems = []
    for section in ("dependencies", "devDependencies", "optionalDependencies",
                    "peerDependencies", "overrides"):
        for name, spec in (data.get(section) or {}).items():
            if isinstance(spec, str) and NPM_DIRECT.match(spec.strip()):
                problems.append(f"{path}: {section}.{name} installs from {spec!r}, "
                                "not the npm registry by version")
    return problems


def package_lock_problems(path: Path, text: str) -> list[str]:
    problems = []
    for key, entry in (json.loads(text).get("packages") or {}).items():
        if not key:
            continue
        if entry.get("link") or str(entry.get("resolved", "")).startswith(("file:", "git")):
            problems.append(f"{path}: {key} is installed from {entry.get('resolved')!r}, "
                            "not the npm registry")
    return problems


def dependency_files(root: Path) -> list[Path]:
    names = ["constraints.txt", "pyproject.toml", "package.json", "package-lock.json"]
    found = [root / name for name in names if (root / name).is_file()]
    skip = {".venv", "node_modules", "_build", ".git"}
    for path in sorted(root.rglob("*requirements*.txt")):
        if not skip & set(path.relative_to(root).parts):
            found.append(path)
    return found


def check(root: Path) -> list[str]:
    """Every direct or local reference (and every inexact constraint) under `root`."""
    checkers = {"constraints.txt": constraint_problems, "pyproject.toml": pyproject_problems,
                "package.json": package_json_problems,
                "package-lock.json": package_lock_problems}
    problems = []
    for path in dependency_files(root):
        checker = checkers.get(path.name, requirement_problems)
        problems += checker(path.relative_to(root), path.read_text(encoding="utf-8"))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    frozen = commands.add_parser("freeze", help="rewrite constraints.txt from an environment")
    frozen.add_argument("--python", default=".venv/bin/python",
                        help="the environment's interpreter (default: .venv/bin/python)")
    frozen.add_argument("--out", default="constraints.txt", type=Path)
    checked = commands.add_parser("check", help="list direct or local references")
    checked.add_argument("root", nargs="?", default=".", type=Path)
    args = parser.parse_args(argv)

    if args.command == "check":
        problems = check(args.root)
        for problem in problems:
            print(problem)
        if problems:
            print("pin name==version only (scripts/pins.py freeze writes such a file)")
        return 1 if problems else 0
    try:
        pins, notes = freeze(installed(args.python))
    except ValueError as exc:
        print(f"pins.py: {exc}; {args.out} is unchanged", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    args.out.write_text(HEADER + "\n".join(pins) + "\n", encoding="utf-8")
    print(f"wrote {len(pins)} pins to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
