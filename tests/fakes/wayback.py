"""A Save-Page-Now-2-compatible fake of the Wayback Machine APIs, served on 127.0.0.1.

Endpoints, shaped like the real ones: `POST /save` (form `url`, JSON `{url, job_id}`
or `{status: "error", status_ext, message}`), `GET /save/status/<job_id>` (JSON
`{status: pending|success|error, job_id, original_url, timestamp, status_ext}`),
`GET /wayback/available?url=` (JSON `{url, archived_snapshots: {closest: {...}}}`).
Tests script what each URL gets and read back every request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from scraper.devserver import LoopbackServer, QuietHandler


@dataclass
class Script:
    submit: list[str] = field(
        default_factory=lambda: ["ok"]
    )  # per POST: ok | http429 | http500 | quota | session | error200
    pending_polls: int = 0  # status answers "pending" this many times before the outcome
    outcome: str = "success"  # success | error
    timestamp: str = "20261124010203"


class FakeWayback:
    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.snapshots: dict[str, str] = {}  # url -> timestamp the availability API reports
        self.requests: list[dict] = []
        self.jobs: dict[str, dict] = {}
        fake = self

        class Handler(QuietHandler):
            def reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def record(self, form: dict | None = None) -> None:
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "form": form or {},
                    }
                )

            def do_GET(self) -> None:  # noqa: N802
                self.record()
                parts = urlsplit(self.path)
                if parts.path == "/wayback/available":
                    url = parse_qs(parts.query).get("url", [""])[0]
                    ts = fake.snapshots.get(url)
                    closest = (
                        {
                            "closest": {
                                "status": "200",
                                "available": True,
                                "url": f"http://web.archive.org/web/{ts}/{url}",
                                "timestamp": ts,
                            }
                        }
                        if ts
                        else {}
                    )
                    return self.reply(200, {"url": url, "archived_snapshots": closest})
                if parts.path.startswith("/save/status/"):
                    job = fake.jobs.get(parts.path.rsplit("/", 1)[-1])
                    if job is None:
                        return self.reply(
                            200, {"status": "error", "status_ext": "error:not-found", "message": "job not found"}
                        )
                    script = fake.scripts.get(job["url"], Script())
                    job["polls"] += 1
                    if job["polls"] <= script.pending_polls:
                        return self.reply(200, {"status": "pending", "job_id": job["id"], "resources": []})
                    if script.outcome == "success":
                        return self.reply(
                            200,
                            {
                                "status": "success",
                                "job_id": job["id"],
                                "original_url": job["url"],
                                "timestamp": script.timestamp,
                                "duration_sec": 6.2,
                            },
                        )
                    return self.reply(
                        200,
                        {
                            "status": "error",
                            "job_id": job["id"],
                            "status_ext": "error:not-found",
                            "message": "The server cannot find the requested resource",
                        },
                    )
                self.reply(404, {"message": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                self.record(form)
                if urlsplit(self.path).path != "/save":
                    return self.reply(404, {"message": "not found"})
                if not self.headers.get("Authorization", "").startswith("LOW "):
                    return self.reply(401, {"message": "You need to be logged in to use Save Page Now."})
                url = form.get("url", "")
                script = fake.scripts.setdefault(url, Script())
                action = script.submit.pop(0) if len(script.submit) > 1 else script.submit[0]
                if action == "http429":
                    return self.reply(429, {"message": "Too Many Requests"})
                if action == "http500":
                    return self.reply(500, {"message": "Internal Server Error"})
                if action == "quota":
                    return self.reply(
                        200,
                        {
                            "status": "error",
                            "status_ext": "error:too-many-daily-captures",
                            "message": "This URL has been captured 10 times today.",
                        },
                    )
                if action == "session":
                    return self.reply(
                        200,
                        {
                            "status": "error",
                            "status_ext": "error:user-session-limit",
                            "message": "You have already reached the limit of active sessions.",
                        },
                    )
                if action == "error200":
                    return self.reply(
                        200,
                        {"status": "error", "status_ext": "error:invalid-url-syntax", "message": "Invalid URL syntax"},
                    )
                job_id = "spn2-" + hashlib.sha1(f"{url}{len(fake.jobs)}".encode()).hexdigest()
                fake.jobs[job_id] = {"id": job_id, "url": url, "polls": 0}
                self.reply(200, {"url": url, "job_id": job_id})

        self.site = LoopbackServer(Handler, name="fakewayback")

    @property
    def base(self) -> str:
        return self.site.base

    def posts(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST"]

    def __enter__(self) -> FakeWayback:
        self.site.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.site.close()
