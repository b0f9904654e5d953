"""Storage side of the pipeline: WARC/WACZ files, the catalogue, public archive links."""
