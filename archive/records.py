"""What one fetch returns: everything the WARC writer and the catalogue need."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Redirect:
    """One 3xx hop, kept whole so the WARC can replay the URL that was asked for."""

    url: str
    status: int
    location: str
    http_version: str = "HTTP/1.1"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""  # as on the wire
    fetched_at: datetime | None = None

    def summary(self) -> dict[str, object]:
        """What the catalogue keeps of the hop (JSON-safe)."""
        return {"url": self.url, "status": self.status, "location": self.location}


@dataclass
class FetchResult:
    """One final HTTP exchange (after redirects).

    `body` is the payload exactly as it came off the wire (still content-encoded,
    de-chunked): that is what goes into the WARC. `content` is the decoded body
    (gzip/deflate/br undone, size-capped) that extraction reads, or only its first
    bytes when the fetch was asked to keep no more (`HttpClient.fetch(keep=...)`: the
    pipeline, which extracts from the WARC, so a page 150 MiB once decoded is never held
    whole by the fetching process); `blank` then says whether all of it was whitespace.
    """

    requested_url: str
    final_url: str
    status: int
    http_version: str
    request_method: str
    request_headers: list[tuple[str, str]]
    response_headers: list[tuple[str, str]]
    body: bytes
    content: bytes
    fetched_at: datetime
    redirects: list[Redirect] = field(default_factory=list)
    not_modified: bool = False  # a 304 answer to a conditional request
    blank: bool | None = None  # the decoded body is nothing but whitespace (None: as `content` says)

    def is_blank(self) -> bool:
        """Whether the decoded body, all of it, is empty or whitespace."""
        return self.blank if self.blank is not None else not self.content.strip()

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.response_headers:
            if k.lower() == name:
                return v
        return None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()
