"""Fetch stage: one HTTP exchange per URL, raw bytes kept for the WARC."""

from archive.records import FetchResult, Redirect

__all__ = ["FetchResult", "Redirect"]
