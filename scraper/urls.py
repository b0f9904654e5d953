"""URL identity: the one answer to "are these two URLs the same report?".

Built on courlan (trafilatura's URL library): it lower-cases scheme and host,
drops default ports and fragments, decodes punycode, normalises percent-escapes
and strips tracking parameters (utm_*, fbclid, gclid, mc_*, ref, source, ...).
On top of that, the project's own rules: the scheme, `www.` and `m.` do not
matter, nor a trailing slash, nor the order of query parameters, and Medium's
`medium.com/@DFRLab/x` is `medium.com/dfrlab/x`.

Used for deduplication against DISARM's master data, stub references, the
org table and Wayback backfill.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

# Trackers courlan keeps (its list covers utm_*, fbclid, gclid, mc_*, igshid, ref, source...).
EXTRA_TRACKING_PARAMS = frozenset({"s", "cmpid", "ncid", "_hsenc", "_hsmi"})


def normalise_url(url: str) -> str:
    """`host[:port]/path[?query]`: one key for every spelling of one URL."""
    from courlan import normalize_url  # 0.1 s of imports (tld, urllib3): only when a URL is normalised

    text = url.strip()
    try:
        text = normalize_url(text, strict=False, trailing_slash=False)
    except ValueError:
        pass  # courlan refuses some odd inputs; the rules below still apply
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text  # not a URL urllib can read: it is only ever equal to itself
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if port and port != {"http": 80, "https": 443}.get(parts.scheme):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if host == "medium.com" and path.startswith(("/@", "/%40")):
        path = "/" + path.removeprefix("/@").removeprefix("/%40")  # medium.com/@DFRLab/x == medium.com/dfrlab/x
    if host == "medium.com" or host.endswith(".medium.com"):
        path = path.lower()
    path = path.rstrip("/") or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in EXTRA_TRACKING_PARAMS
    ]
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


# A Wayback copy (`/web/<timestamp>[id_]/<original>`): a fetch of it is recorded as the original report.
_ARCHIVE_COPY = re.compile(r"/web/\d{1,14}[a-z_]*/(?:https?:|[a-z0-9-]+\.)", re.IGNORECASE)


def report_url(url: str, final_url: str | None) -> str:
    """The URL that names a fetched report: where the citation landed after redirects (the capture's
    final URL), so a redirecting link and its target are one report; the asked URL when the final one
    is an archive's copy of it."""
    final = (final_url or "").strip()
    return url if not final or _ARCHIVE_COPY.search(final) else final


def host_and_path(url: str) -> tuple[str, str]:
    """Lower-cased host (no port, `www.` or `m.`) and path ("/..."), for prefix tables such as [orgs]."""
    key = normalise_url(url).lower()
    host, _, path = key.partition("/")
    return host.partition(":")[0], "/" + path.partition("?")[0]
