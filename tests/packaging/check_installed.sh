#!/usr/bin/env bash
# The package as a user gets it. Builds the sdist and wheel (`python -m build`: no warnings,
# `twine check --strict`), installs the wheel with every feature (deploy/install.sh, as the
# Docker image does) into a fresh virtualenv in a temporary folder with no checkout and no
# ../shared beside it, and runs the README's quickstart there (check_installed.py).
#
#   tests/packaging/check_installed.sh     (CI runs it from .ci/run after `make test`)
#
# BUILD_PYTHON: a Python with `build` and `twine` (default: the checkout's .venv, from `make install`).
# PYTHON: the interpreter the fresh virtualenv is made from (default: python3).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_PYTHON=${BUILD_PYTHON:-$REPO/.venv/bin/python}
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d /tmp/takedowns-installed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
START=$(date +%s)
step() { echo "== $(( $(date +%s) - START ))s: $*"; }

step "build sdist and wheel"
# byte-compiling is turned off by PYTHONDONTWRITEBYTECODE, which setuptools reports as a warning
if ! env -u PYTHONDONTWRITEBYTECODE "$BUILD_PYTHON" -m build --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1; then
    cat "$WORK/build.log"; exit 1
fi
# any warning fails (pip's own notes about this machine's package index locations are not the build's)
if grep -i "warning" "$WORK/build.log" | grep -v "^WARNING: Location '"; then
    echo "python -m build printed warnings (above)" >&2; exit 1
fi
"$BUILD_PYTHON" -m twine check --strict "$WORK"/dist/*

step "install the wheel with every feature into a fresh virtualenv"
"$PYTHON" -m venv "$WORK/venv"
WHEEL=$(ls "$WORK"/dist/*.whl)
"$REPO/deploy/install.sh" "$WORK/venv/bin/python" "$WHEEL"
"$WORK/venv/bin/python" -m pip install --quiet --no-input 'stix2-validator>=3.1'

step "run the quickstart from the installed package"
mkdir "$WORK/home" "$WORK/run"
cp "$REPO/tests/packaging/check_installed.py" "$WORK/"
# A clean environment: no PYTHONPATH, HOME and the working folder inside the temp folder.
(cd "$WORK/run" && env -i PATH="$WORK/venv/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 \
    "$WORK/venv/bin/python" "$WORK/check_installed.py" --forbid "$REPO")
step "installed package checked"
