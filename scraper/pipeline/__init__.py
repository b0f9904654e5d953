"""One URL through the pipeline: fetch -> snapshot -> extract -> archive link -> stub.

One module per stage, each re-runnable alone; extraction reads the stored capture back
from its WARC, never the network, so any report can be re-extracted when the extractor
improves. `chain.py` strings the stages together for one URL (`capture_url`, `process_url`);
`snapshot.py` stores a fetched response; `readback.py` reads a stored one back;
`extraction.py` (and `extract_worker.py`, its worker-process side) turns a capture into a
Report; `orgs.py` finds the discovering source's org; `archive_link.py` asks Wayback;
`outcome.py` is what a pass yields, and the stage a failure came from.
"""
