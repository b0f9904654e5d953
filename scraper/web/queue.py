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
from .team import live_claims

STATUSES = ("new", "accepted", "rejected", "merged")
MAX_PAGE = 10**9  # times any page size, an offset that still fits the database's 64-bit integers
# sort key -> ORDER BY; each is an index scan (ix_stubs_status_pub, ix_stubs_pub, ix_stubs_status_platform,
# the primary key)
SORTS = {
    "": (Stub.id.desc(),),
    "oldest": (Stub.id.asc(),),
    "published": (Stub.first_pub_date.asc(), Stub.id.asc()),
    "-published": (Stub.first_pub_date.desc(), Stub.id.desc()),
    "platform": (Stub.platform.asc(), Stub.id.asc()),
    "-platform": (Stub.platform.desc(), Stub.id.desc()),
}


@dataclass(frozen=True)
class QueueFilter:
    status: str = "new"  # "" = every status
    platform: str = ""
    origin: str = ""
    date_from: str = ""  # YYYY-MM-DD, on the first report's publication date
    date_to: str = ""
    q: str = ""
    page: int = 1
    target: str = ""  # a target country
    sort: str = ""  # a key of SORTS ("" = newest first)
    disagree: bool = False  # only stubs whose reports state different counts (`counts_disagree`)
    check: bool = False  # only stubs whose reports hold values the extractor marked "check" (`needs_check`)
    ignored: tuple[str, ...] = ()  # what in the address was not understood, said on the page

    @classmethod
    def from_params(cls, params: dict[str, str]) -> QueueFilter:
        ignored: list[str] = []

        def day(name: str) -> str:
            value = params.get(name, "").strip()
            try:
                return date.fromisoformat(value).isoformat() if value else ""
            except ValueError:
                ignored.append(f"{name}={value[:40]!r} is not a date (YYYY-MM-DD): not filtering on it")
                return ""

        status = params.get("status", "new")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            ignored.append(f"page={params.get('page', '')[:40]!r} is not a page number: showing page 1")
            page = 1
        if page > MAX_PAGE:  # its offset would not fit the database's 64-bit integers
            raise UserError(f"page {page} is past the last possible page ({MAX_PAGE}): choose a smaller page number")
        sort = params.get("sort", "")
        if sort not in SORTS:
            ignored.append(f"sort={sort[:40]!r} is not a column to sort by: newest first")
            sort = ""
        date_from, date_to = day("from"), day("to")
        return cls(
            target=params.get("target", "").strip()[:64],
            disagree=params.get("disagree", "") in ("1", "on", "true"),
            check=params.get("check", "") in ("1", "on", "true"),
            sort=sort,
            ignored=tuple(ignored),
            status=status if status in STATUSES else "",
            platform=params.get("platform", "").strip()[:64],
            origin=params.get("origin", "").strip()[:64],
            date_from=date_from,
            date_to=date_to,
            q=params.get("q", "").strip()[:200],
            page=page,
        )

    def export_string(self) -> str:
        """The filters alone, for the export links (no page, no sort)."""
        return self.query_string(page=1, sort="")

    def query_string(self, **changes: object) -> str:
        f = replace(self, **changes)  # type: ignore[arg-type]
        params = {
            "status": f.status,
            "platform": f.platform,
            "origin": f.origin,
            "target": f.target,
            "from": f.date_from,
            "to": f.date_to,
            "q": f.q,
            "disagree": "1" if f.disagree else "",
            "check": "1" if f.check else "",
            "sort": f.sort,
            "page": f.page,
        }
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
    targets: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    summary: str = ""
    claimant: str | None = None
    disagree: bool = False
    check: bool = False  # a cited report holds values marked "check"


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
    if f.disagree:
        where.append(Stub.counts_disagree.is_(True))
    if f.check:
        where.append(Stub.needs_check.is_(True))
    return where


def _of_country(role: str, country: str) -> list:
    """The `stub_countries` index rows of one origin or target country (one per stub)."""
    return [StubCountry.role == role, StubCountry.country == fold(country)]


def _countries(f: QueueFilter) -> list[tuple[str, str]]:
    return [(role, c) for role, c in (("origin", f.origin), ("target", f.target)) if c]


def _in_countries(f: QueueFilter) -> list:
    return [Stub.id.in_(select(StubCountry.stub_pk).where(*_of_country(role, c))) for role, c in _countries(f)]


def _count(f: QueueFilter, where: list) -> Select:
    """How many stubs the filter lists. With one country, the count runs over the index rows
    (the other conditions through the stubs' own indexes), never reading each stub's wide row."""
    countries = _countries(f)
    if not countries:
        return select(func.count(Stub.id).label("n")).where(*where)
    (role, country), rest = countries[0], _in_countries(f)[1:]
    count = (
        select(func.count(StubCountry.stub_pk).label("n")).select_from(StubCountry).where(*_of_country(role, country))
    )
    where = [*where, *rest]
    return (
        count.join(Stub, Stub.id == StubCountry.stub_pk).where(*where) if where else count
    )  # status: a covering-index probe


# The platforms stubs name, one index probe per platform (a skip scan) instead of reading every stub.
_DISTINCT_PLATFORMS = text(
    "WITH RECURSIVE p(x) AS (SELECT MIN(platform) FROM stubs UNION ALL "
    "SELECT (SELECT MIN(platform) FROM stubs WHERE platform > p.x) FROM p WHERE p.x IS NOT NULL) SELECT x FROM p WHERE "
    "x IS NOT NULL"
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
    listed = [*where, *_in_countries(f)]
    refs = (
        select(func.count(StubReference.id)).where(StubReference.stub_pk == Stub.id).correlate(Stub).scalar_subquery()
    )
    found = s.execute(select(Stub, refs).where(*listed).order_by(*SORTS[f.sort]).limit(page_size).offset(offset)).all()
    claims = live_claims(s, [st.id for st, _ in found])
    rows = [
        QueueRow(
            st.stub_id,
            st.status,
            st.name,
            st.platform,
            list(st.origin or []),
            st.first_pub_date,
            st.date_added,
            n or 0,
            st.disarm_id,
            list(st.targets or []),
            dict(st.counts or {}),
            st.summary or "",
            claims[st.id].curator if st.id in claims else None,
            bool(st.counts_disagree),
            bool(st.needs_check),
        )
        for st, n in found
    ]
    counts = dict(s.execute(select(Stub.status, func.count(Stub.id)).group_by(Stub.status)).all())
    platforms = [p for p in s.scalars(_DISTINCT_PLATFORMS) if p]
    return QueuePage(f, rows, total, page_size, {k: counts.get(k, 0) for k in STATUSES}, platforms, bool(capped))


def matching_ids(s: Session, f: QueueFilter) -> Select:
    """The ids of every stub the filter lists, on any page (what the desk's exports take).
    A search gives its newest matches only, as the queue does."""
    where = [*_conditions(f), *_in_countries(f)]
    if f.q:
        where.append(Stub.id.in_(search.candidates(s.get_bind().dialect.name, f.q, search.CAP).pks))
    return select(Stub.id).where(*where)


def neighbour(s: Session, stub_pk: int, status: str = "new", older: bool = True) -> str | None:
    """The next stub to review after `stub_pk` in queue order (newest first), for keyboard work."""
    q = select(Stub.stub_id).where(Stub.status == status)
    q = (
        q.where(Stub.id < stub_pk).order_by(Stub.id.desc())
        if older
        else q.where(Stub.id > stub_pk).order_by(Stub.id.asc())
    )
    return s.scalar(q.limit(1))


def next_after(s: Session, stub_id: str) -> str | None:
    """The next new stub after `stub_id` in queue order."""
    pk = s.scalar(select(Stub.id).where(Stub.stub_id == stub_id))
    return neighbour(s, pk) if pk is not None else None
