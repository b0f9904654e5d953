"""Workers on several machines sharing the PostgreSQL catalogue, object storage and a job queue (issue 32).

`jobs.py` is the queue (procrastinate, on the catalogue's own PostgreSQL: no new service);
`leader.py` elects the one scheduler. The single-machine daemon (`takedowns run`) needs none of it.
"""
