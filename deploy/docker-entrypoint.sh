#!/bin/sh
# First start on an empty volume: put the default config where the operator can edit it.
set -e
if [ ! -f "$TAKEDOWNS_CONFIG" ]; then
    cp /usr/share/takedowns/config.toml "$TAKEDOWNS_CONFIG"
    echo "takedowns: wrote a default config to $TAKEDOWNS_CONFIG; edit it to choose sources" >&2
fi
exec "$@"
