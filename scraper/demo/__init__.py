"""`takedowns demo`: bundled publisher sites on 127.0.0.1 and a daemon run against them."""
