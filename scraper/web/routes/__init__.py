"""The desk's routes, one module per topic, each exporting its `ROUTES` (assembled by `scraper.web.app`).

A handler is a module-level function that gets the app's `Kit` (config, catalogue, templates) with
`kit_of(request)`. Pages are read-only GETs; every change is a CSRF-checked POST (`Kit.checked_form`).
"""
