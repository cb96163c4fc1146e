#!/usr/bin/env bash
# The Python package's tests (python/tests, pytest) against a built libcuvk: makes a virtual environment once
# (BUILD/py-venv, numpy and pytest from PyPI), installs ./python into it with pip (as a user would), and runs pytest
# with CUVK_LIBRARY pointing at the library. Usage: bash scripts/python-test.sh BUILD_DIR LIBCUVK
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?build directory}" && pwd)"
lib="${2:?path of libcuvk.so}"
venv="$build/py-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy, pytest" 2>/dev/null; then
  python3 -m venv "$venv" || { echo "python-test: cannot make a virtual environment (Debian: python3-venv)"; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check numpy pytest
fi
# Installed from a copy, so that setuptools' build/ and egg-info stay out of the source tree.
rm -rf "$build/py-src" && cp -r "$root/python" "$build/py-src"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$build/py-src"
cd "$build"
CUVK_LIBRARY="$lib" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$build/py-src/tests"
