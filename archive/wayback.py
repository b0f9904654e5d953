"""Public archive links from the Wayback Machine, only ever as verified snapshot links.

Flow for one URL: reuse a recent existing snapshot (availability API); else,
with credentials, submit to Save Page Now 2 (`POST /save`, `Authorization: LOW
key:secret`) under a process-wide rate limit and poll `/save/status/<job_id>`
until success, error or a deadline. A job still pending at the deadline stays
pending in the catalogue and is polled on the next run. Errors come as HTTP
statuses and as HTTP-200 bodies with `status: error` and a `status_ext` code;
quota errors pause all submissions (persisted, so other processes respect it)
and a 429 backs off for minutes. The only value ever stored as a link is
`https://web.archive.org/web/<14-digit timestamp>/<original url>`, built from a
successful answer. Credentials come from the environment and are never logged
or stored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from sqlalchemy import select

from .catalogue import Catalogue
from .clock import utcnow
from .settings import WaybackSettings
from .tables import ArchiveJob, ArchivePause

log = logging.getLogger("takedowns.wayback")

LINK_PREFIX = "https://web.archive.org/web/"
ACCESS_ENV, SECRET_ENV = "WAYBACK_ACCESS_KEY", "WAYBACK_SECRET_KEY"
QUOTA_ERRORS = {
    "error:too-many-daily-captures": "daily",
    "error:user-session-limit": "session",
    "error:bandwidth-limit-exceeded": "session",
    "error:too-many-requests": "session",
}
# Worth trying again on a later run rather than giving up on the URL.
TRANSIENT_ERRORS = {
    "error:service-unavailable",
    "error:internal-server-error",
    "error:job-failed",
    "error:browsing-timeout",
    "error:capture-location-error",
    "error:celery",
    "error:gateway-timeout",
    "error:bad-gateway",
    "error:proxy-error",
    "error:read-timeout",
    "error:soft-time-limit-exceeded",
    "error:cannot-fetch",
}
_TIMESTAMP = re.compile(r"^\d{14}$")


@dataclass
class LinkStatus:
    status: str  # success | pending | error
    link: str | None = None
    detail: str = ""


def snapshot_link(timestamp: str, original_url: str) -> str:
    if not _TIMESTAMP.match(timestamp or ""):
        raise ValueError(f"not a 14-digit Wayback timestamp: {timestamp!r}")
    return f"{LINK_PREFIX}{timestamp}/{original_url}"


def credentials() -> tuple[str, str] | None:
    access, secret = os.environ.get(ACCESS_ENV, "").strip(), os.environ.get(SECRET_ENV, "").strip()
    return (access, secret) if access and secret else None


class _RateLimiter:
    """One submission per interval in this process."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._last = 0.0

    async def wait(self, interval: float) -> None:
        async with self._lock:
            delay = self._last + interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._last = time.monotonic()


_LIMITER: _RateLimiter | None = None
_LIMITER_LOOP: asyncio.AbstractEventLoop | None = None


def _limiter() -> _RateLimiter:
    global _LIMITER, _LIMITER_LOOP
    loop = asyncio.get_running_loop()
    if _LIMITER is None or _LIMITER_LOOP is not loop:
        _LIMITER, _LIMITER_LOOP = _RateLimiter(), loop
    return _LIMITER


class WaybackClient:
    def __init__(self, settings: WaybackSettings, catalogue: Catalogue, user_agent: str):
        self.settings = settings
        self.catalogue = catalogue
        self.user_agent = user_agent
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> WaybackClient:
        self._http = httpx.AsyncClient(
            timeout=self.settings.timeout_seconds,
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()

    # --- the one entry point ---------------------------------------------------------

    async def archive_link(self, url: str, *, capture_id: int | None = None, wait: float | None = None) -> LinkStatus:
        """A verified snapshot link for `url`, or the reason there is none yet."""
        job = self._job_for(url, capture_id)
        if job.status == "success" and job.archive_link:
            return LinkStatus("success", job.archive_link)
        deadline = time.monotonic() + (self.settings.wait_seconds if wait is None else wait)
        if job.job_id:
            return await self._poll_until(job.id, deadline)
        existing = await self._recent_snapshot(url)
        if existing:
            return self._succeed(job.id, *existing, detail="reused an existing snapshot")
        creds = credentials()
        if creds is None:
            return self._update(
                job.id, "pending", "no Wayback credentials (set WAYBACK_ACCESS_KEY and WAYBACK_SECRET_KEY)"
            )
        paused = self._paused_until()
        if paused:
            return self._update(job.id, "pending", f"submissions paused until {paused:%Y-%m-%d %H:%M} UTC")
        submitted = await self._submit(job.id, url, creds)
        if submitted.status != "submitted":
            return submitted
        return await self._poll_until(job.id, deadline)

    async def poll_pending(self) -> list[tuple[str, LinkStatus]]:
        """Check every pending job once (submitting those that never were)."""
        with self.catalogue.session() as s:
            jobs = [
                (j.url, j.capture_id)
                for j in s.scalars(select(ArchiveJob).where(ArchiveJob.status == "pending").order_by(ArchiveJob.id))
            ]
        return [(url, await self.archive_link(url, capture_id=capture_id, wait=0)) for url, capture_id in jobs]

    # --- steps -----------------------------------------------------------------------

    def _job_for(self, url: str, capture_id: int | None) -> ArchiveJob:
        with self.catalogue.session() as s:
            job = s.scalar(select(ArchiveJob).where(ArchiveJob.url == url).order_by(ArchiveJob.id.desc()).limit(1))
            if job is None or job.status == "error":
                job = ArchiveJob(url=url, capture_id=capture_id, status="pending", attempts=0)
                s.add(job)
                s.flush()
            return job

    async def _recent_snapshot(self, url: str) -> tuple[str, str] | None:
        assert self._http is not None
        try:
            response = await self._http.get(f"{self.settings.api_base}/wayback/available", params={"url": url})
            closest = (response.json().get("archived_snapshots") or {}).get("closest") or {}
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.info("availability lookup failed: %s", exc.__class__.__name__, extra={"url": url})
            return None
        timestamp = str(closest.get("timestamp") or "")
        if (
            not closest.get("available")
            or str(closest.get("status", "200")) != "200"
            or not _TIMESTAMP.match(timestamp)
        ):
            return None
        taken = datetime.strptime(timestamp, "%Y%m%d%H%M%S")
        if utcnow() - taken > timedelta(days=self.settings.reuse_max_age_days):
            return None
        return timestamp, url

    async def _submit(self, job_id: int, url: str, creds: tuple[str, str]) -> LinkStatus:
        assert self._http is not None
        await _limiter().wait(self.settings.submit_interval_seconds)
        paused = self._paused_until()  # another job may have hit a quota while we waited
        if paused:
            return self._update(job_id, "pending", f"submissions paused until {paused:%Y-%m-%d %H:%M} UTC")
        headers = {"Authorization": f"LOW {creds[0]}:{creds[1]}"}
        try:
            response = await self._http.post(
                f"{self.settings.web_base}/save", data={"url": url, "skip_first_archive": "1"}, headers=headers
            )
        except httpx.HTTPError as exc:
            return self._update(
                job_id, "pending", f"submission failed ({exc.__class__.__name__}); will retry", attempt=True
            )
        body = _json(response)
        if response.status_code == 429:
            self._pause(self.settings.rate_limit_backoff_seconds, "HTTP 429 from Save Page Now")
            return self._update(job_id, "pending", "rate limited (HTTP 429): submissions back off", attempt=True)
        if body.get("status") == "error" or response.status_code >= 400:
            return self._handle_error(job_id, response.status_code, body)
        spn_job = body.get("job_id")
        if not spn_job:
            return self._update(
                job_id, "pending", f"Save Page Now answered HTTP {response.status_code} without a job id", attempt=True
            )
        with self.catalogue.session() as s:
            job = s.get_one(ArchiveJob, job_id)
            job.job_id, job.submitted_at, job.attempts, job.error = str(spn_job), utcnow(), job.attempts + 1, None
        log.info("submitted to Save Page Now (job %s)", spn_job, extra={"url": url})
        return LinkStatus("submitted")

    async def _poll_until(self, job_id: int, deadline: float) -> LinkStatus:
        while True:
            status = await self._poll_once(job_id)
            if status.status != "pending" or time.monotonic() >= deadline:
                return status
            await asyncio.sleep(min(self.settings.poll_interval_seconds, max(0.0, deadline - time.monotonic())))

    async def _poll_once(self, job_id: int) -> LinkStatus:
        assert self._http is not None
        with self.catalogue.session() as s:
            job = s.get_one(ArchiveJob, job_id)
            spn_job, url = job.job_id, job.url
        creds = credentials()
        headers = {"Authorization": f"LOW {creds[0]}:{creds[1]}"} if creds else {}
        try:
            response = await self._http.get(f"{self.settings.web_base}/save/status/{spn_job}", headers=headers)
        except httpx.HTTPError as exc:
            return self._update(
                job_id, "pending", f"status check failed ({exc.__class__.__name__}); still pending", checked=True
            )
        body = _json(response)
        if response.status_code == 429:
            return self._update(job_id, "pending", "status check rate limited; still pending", checked=True)
        if body.get("status") == "success":
            timestamp, original = str(body.get("timestamp") or ""), body.get("original_url") or url
            if not _TIMESTAMP.match(timestamp):
                return self._update(
                    job_id, "pending", f"success answer without a valid timestamp ({timestamp!r})", checked=True
                )
            return self._succeed(job_id, timestamp, original)
        if body.get("status") == "error" or response.status_code >= 400:
            return self._handle_error(job_id, response.status_code, body, submitted=True)
        return self._update(job_id, "pending", f"Save Page Now job {spn_job} still pending", checked=True)

    def _handle_error(
        self, job_id: int, http_status: int, body: dict[str, Any], *, submitted: bool = False
    ) -> LinkStatus:
        ext = str(body.get("status_ext") or "")
        message = str(body.get("message") or body.get("exception") or f"HTTP {http_status}")[:300]
        if ext in QUOTA_ERRORS:
            seconds = _seconds_to_midnight() if QUOTA_ERRORS[ext] == "daily" else self.settings.session_pause_seconds
            self._pause(seconds, f"{ext}: {message}")
            return self._update(
                job_id, "pending", f"quota reached ({ext}); submissions paused", attempt=True, forget_job=True
            )
        if http_status in (401, 403) and not ext:
            self._pause(self.settings.session_pause_seconds, f"credentials rejected (HTTP {http_status})")
            return self._update(
                job_id,
                "pending",
                f"credentials rejected (HTTP {http_status}): check {ACCESS_ENV} and {SECRET_ENV}",
                attempt=True,
                forget_job=True,
            )
        if ext in TRANSIENT_ERRORS or http_status >= 500:
            return self._update(
                job_id,
                "pending",
                f"{ext or 'HTTP ' + str(http_status)}: {message}; will retry",
                attempt=True,
                forget_job=True,
            )
        return self._update(job_id, "error", f"{ext or 'HTTP ' + str(http_status)}: {message}", checked=submitted)

    # --- catalogue writes ------------------------------------------------------------

    def _succeed(self, job_id: int, timestamp: str, original_url: str, detail: str = "") -> LinkStatus:
        link = snapshot_link(timestamp, original_url)
        with self.catalogue.session() as s:
            job = s.get_one(ArchiveJob, job_id)
            job.status, job.archive_timestamp, job.archive_link, job.checked_at, job.error = (
                "success",
                timestamp,
                link,
                utcnow(),
                None,
            )
        log.info("archived as %s", link, extra={"url": original_url})
        return LinkStatus("success", link, detail)

    def _update(
        self,
        job_id: int,
        status: str,
        detail: str,
        *,
        attempt: bool = False,
        checked: bool = False,
        forget_job: bool = False,
    ) -> LinkStatus:
        with self.catalogue.session() as s:
            job = s.get_one(ArchiveJob, job_id)
            job.status, job.error = status, detail
            if attempt:
                job.attempts += 1
            if checked or attempt:
                job.checked_at = utcnow()
            if forget_job:
                job.job_id = None  # resubmit on a later run
        return LinkStatus(status, None, detail)

    def _pause(self, seconds: float, reason: str) -> None:
        until = utcnow() + timedelta(seconds=seconds)
        with self.catalogue.session() as s:
            pause = s.scalar(select(ArchivePause).where(ArchivePause.service == "wayback"))
            if pause is None:
                s.add(ArchivePause(service="wayback", until=until, reason=reason))
            elif pause.until < until:
                pause.until, pause.reason = until, reason
        log.warning("Save Page Now submissions paused until %s: %s", until.isoformat(timespec="minutes"), reason)

    def _paused_until(self) -> datetime | None:
        with self.catalogue.session() as s:
            pause = s.scalar(select(ArchivePause).where(ArchivePause.service == "wayback"))
            return pause.until if pause is not None and pause.until > utcnow() else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _seconds_to_midnight() -> float:
    now = datetime.now(timezone.utc)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds() + 60
