#!/bin/sh
# First start on an empty volume: put the default config where the operator can edit it.
# TAKEDOWNS_CATALOGUE_URL (set by deploy/compose.yaml) becomes its [catalogue] url; keep the
# password out of it (libpq reads PGPASSWORD from the environment).
set -e
if [ ! -f "$TAKEDOWNS_CONFIG" ]; then
    cp /usr/share/takedowns/config.toml "$TAKEDOWNS_CONFIG.tmp.$$"
    if [ -n "${TAKEDOWNS_CATALOGUE_URL:-}" ]; then
        sed -i "/^\[catalogue\]/,/^\[/ s|^url = \"\"|url = \"$TAKEDOWNS_CATALOGUE_URL\"|" "$TAKEDOWNS_CONFIG.tmp.$$"
    fi
    # two containers starting at once (compose's daemon and desk): the first complete file wins
    mv -n "$TAKEDOWNS_CONFIG.tmp.$$" "$TAKEDOWNS_CONFIG" 2>/dev/null || true
    rm -f "$TAKEDOWNS_CONFIG.tmp.$$"
    echo "takedowns: wrote a default config to $TAKEDOWNS_CONFIG; edit it to choose sources" >&2
fi
exec "$@"
