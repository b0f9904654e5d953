"""The daemon: scheduled source polls that survive restarts and kills.

`scheduler.Daemon` runs one APScheduler job per enabled source plus
housekeeping jobs; `scraper.discover.runs` keeps every run in the catalogue; `lock` makes sure
only one daemon works on a data folder; `signals` turns SIGTERM/SIGINT into a
graceful stop; `status` summarises it all for `takedowns status`.
"""
