"""Extract stage: stored capture bytes -> Report. Never touches the network."""
