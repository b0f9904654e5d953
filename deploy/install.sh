#!/bin/sh
# Install takedown-archiver with every feature from a built wheel: the desk, technique
# suggestions, STIX/MISP export, browser capture (Playwright driving Debian's Chromium) and the
# PostgreSQL driver. The Docker image runs it with --system-packages (as root, on Debian); CI's
# installed-package check (tests/packaging/check_installed.sh) runs the same pip step in a
# fresh virtualenv.
#
#   deploy/install.sh [--system-packages] PYTHON WHEEL
#
# --system-packages also installs Debian's chromium (browser capture) and postgresql-client
# (psql, pg_dump for the catalogue) with apt-get.
set -eu

if [ "${1:-}" = "--system-packages" ]; then
    shift
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium postgresql-client
    rm -rf /var/lib/apt/lists/*
fi
if [ "$#" -ne 2 ]; then
    echo "usage: deploy/install.sh [--system-packages] PYTHON WHEEL" >&2
    exit 2
fi
PYTHON=$1
WHEEL=$2
# [all] = [disarm] (scikit-learn, stix2, pymisp) + [render] (playwright) + [postgres] (psycopg)
"$PYTHON" -m pip install --quiet --no-input "${WHEEL}[all]"
