#!/usr/bin/env bash
# The tools `make book` and `make test` need before they can install anything else: each missing
# one is named with how to get it, and the make stops here instead of deep inside an install.
set -uo pipefail
python=${1:-python3}
problems=()
if ! command -v "$python" >/dev/null; then
  problems+=("Python 3.11 ('$python' not found): install python3.11 with venv (Debian: apt-get install python3 python3-venv), or run make PYTHON=/path/to/python3.11")
elif ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  problems+=("Python 3.11 is needed, '$python' is $("$python" -V 2>&1): run make PYTHON=/path/to/python3.11")
elif ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  problems+=("'$python' cannot make virtual environments: apt-get install python3-venv")
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  problems+=("Node.js 18 or newer with npm (the book vendors MathJax and the widget manager from npm): apt-get install nodejs npm, or see nodejs.org")
elif ! node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)'; then
  problems+=("Node.js 18 or newer is needed, node is $(node --version)")
fi
command -v git >/dev/null || problems+=("git (the gate and the book's launch links use it): apt-get install git")
if [ ${#problems[@]} -gt 0 ]; then
  echo "microfab cannot set itself up yet; install first:" >&2
  for p in "${problems[@]}"; do echo "  - $p" >&2; done
  exit 1
fi
