"""The review queue: filtered, newest first, one page at a time, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from archive.tables import Stub, StubCountry, StubReference
from scraper.errors import UserError
from scraper.stubs.countries import fold

from . import search

STATUSES = ("new", "accepted", "rejected", "merged")
MAX_PAGE = 10**9  # times any page size, an offset that still fits the database's 64-bit integers


@dataclass(frozen=True)
class QueueFilter:
    status: str = "new"  # "" = every status
    platform: str = ""
    origin: str = ""
    date_from: str = ""  # YYYY-MM-DD, on the first report's publication date
    date_to: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> QueueFilter:
        def day(value: str) -> str:
            try:
                return date.fromisoformat(value).isoformat() if value else ""
            except ValueError:
                return ""

        status = params.get("status", "new")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        if page > MAX_PAGE:  # its offset would not fit the database's 64-bit integers
            raise UserError(f"page {page} is past the last possible page ({MAX_PAGE}): choose a smaller page number")
        return cls(
            status=status if status in STATUSES else "",
            platform=params.get("platform", "").strip()[:64],
            origin=params.get("origin", "").strip()[:64],
            date_from=day(params.get("from", "")),
            date_to=day(params.get("to", "")),
            q=params.get("q", "").strip()[:200],
            page=page,
        )

    def query_string(self, **changes: object) -> str:
        f = replace(self, **changes)  # type: ignore[arg-type]
        params = {"status": f.status, "platform": f.platform, "origin": f.origin, "from": f.date_from, "to": f.date_to, "q": f.q, "page": f.page}
        return urlencode({k: v for k, v in params.items() if v not in ("", 1) or k == "status"})


@dataclass
class QueueRow:
    stub_id: str
    status: str
    name: str
    platform: str | None
    origin: list[str]
    first_pub_date: str | None
    date_added: str
    references: int
    disarm_id: str | None


@dataclass
class QueuePage:
    filter: QueueFilter
    rows: list[QueueRow]
    total: int
    page_size: int
    status_counts: dict[str, int] = field(default_factory=dict)
    platforms: list[str] = field(default_factory=list)
    capped: bool = False  # a search found more than it counted: `total` is a lower bound

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.filter.page < self.pages or (self.capped and len(self.rows) == self.page_size)


def _conditions(f: QueueFilter) -> list:
    """Conditions on the stubs table itself (the origin filter is `_of_origin`)."""
    where = []
    if f.status:
        where.append(Stub.status == f.status)
    if f.platform:
        where.append(Stub.platform == f.platform)
    if f.date_from:
        where.append(Stub.first_pub_date >= f.date_from)
    if f.date_to:
        where.append(Stub.first_pub_date <= f.date_to)
    return where


def _of_origin(country: str) -> list:
    """The `stub_countries` index rows of one origin country (one per stub)."""
    return [StubCountry.role == "origin", StubCountry.country == fold(country)]


def _count(f: QueueFilter, where: list) -> Select:
    """How many stubs the filter lists. With an origin, the count runs over the index rows
    (the other conditions through the stubs' own indexes), never reading each stub's wide row."""
    if not f.origin:
        return select(func.count(Stub.id).label("n")).where(*where)
    count = select(func.count(StubCountry.stub_pk).label("n")).select_from(StubCountry).where(*_of_origin(f.origin))
    return count.join(Stub, Stub.id == StubCountry.stub_pk).where(*where) if where else count  # status: a covering-index probe


# The platforms stubs name, one index probe per platform (a skip scan) instead of reading every stub.
_DISTINCT_PLATFORMS = text(
    "WITH RECURSIVE p(x) AS (SELECT MIN(platform) FROM stubs UNION ALL "
    "SELECT (SELECT MIN(platform) FROM stubs WHERE platform > p.x) FROM p WHERE p.x IS NOT NULL) SELECT x FROM p WHERE x IS NOT NULL"
)


def load_queue(s: Session, f: QueueFilter, page_size: int) -> QueuePage:
    where = _conditions(f)
    offset = (f.page - 1) * page_size
    capped = False
    if f.q:  # a search reads a window of the newest matches, never the whole match set
        matches = search.candidates(s.get_bind().dialect.name, f.q, search.window_for(offset, page_size))
        where.append(Stub.id.in_(matches.pks))
        total, capped = s.execute(_count(f, where).add_columns(matches.capped.label("capped"))).one()
    else:
        total = s.scalar(_count(f, where)) or 0
    listed = [*where, Stub.id.in_(select(StubCountry.stub_pk).where(*_of_origin(f.origin)))] if f.origin else where
    refs = select(func.count(StubReference.id)).where(StubReference.stub_pk == Stub.id).correlate(Stub).scalar_subquery()
    found = s.execute(select(Stub, refs).where(*listed).order_by(Stub.id.desc()).limit(page_size).offset(offset)).all()
    rows = [QueueRow(st.stub_id, st.status, st.name, st.platform, list(st.origin or []), st.first_pub_date, st.date_added, n or 0, st.disarm_id) for st, n in found]
    counts = dict(s.execute(select(Stub.status, func.count(Stub.id)).group_by(Stub.status)).all())
    platforms = [p for p in s.scalars(_DISTINCT_PLATFORMS) if p]
    return QueuePage(f, rows, total, page_size, {k: counts.get(k, 0) for k in STATUSES}, platforms, bool(capped))


def neighbour(s: Session, stub_pk: int, status: str = "new", older: bool = True) -> str | None:
    """The next stub to review after `stub_pk` in queue order (newest first), for keyboard work."""
    q = select(Stub.stub_id).where(Stub.status == status)
    q = q.where(Stub.id < stub_pk).order_by(Stub.id.desc()) if older else q.where(Stub.id > stub_pk).order_by(Stub.id.asc())
    return s.scalar(q.limit(1))


def next_after(s: Session, stub_id: str) -> str | None:
    """The next new stub after `stub_id` in queue order."""
    pk = s.scalar(select(Stub.id).where(Stub.stub_id == stub_id))
    return neighbour(s, pk) if pk is not None else None
