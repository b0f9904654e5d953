"""Which platform acted: the publisher's own, else the brand that removes things in the text."""

from __future__ import annotations

import re

# Who acted, from the brands a text names (the org that publishes it is a strong prior).
_OWNER_BY_ORG = {
    "Meta": "Meta",
    "Facebook": "Meta",
    "Google TAG": "Google",
    "Google": "Google",
    "Twitter": "Twitter",
    "X": "Twitter",
    "TikTok": "TikTok",
    "Reddit": "Reddit",
    "OpenAI": "OpenAI",
    "Microsoft": "Microsoft",
}
# Publishers that are themselves the platform: their "we identified a network" is a takedown.
PLATFORM_ORGS = frozenset(_OWNER_BY_ORG)
_BRANDS = [
    ("Meta", re.compile(r"\b(?:Facebook|Instagram|Meta)\b")),
    ("Google", re.compile(r"\b(?:YouTube|Google|TAG|Blogger|AdSense)\b")),
    ("Twitter", re.compile(r"\b(?:Twitter|tweets?)\b")),
    ("TikTok", re.compile(r"\bTikTok\b")),
    ("Reddit", re.compile(r"\b(?:Reddit|subreddits?)\b")),
    ("OpenAI", re.compile(r"\b(?:OpenAI|ChatGPT)\b")),
]
_ACTOR_RE = re.compile(
    r"\b(?P<brand>Facebook|Instagram|Meta|YouTube|Google|Twitter|X|TikTok|Reddit|OpenAI|Microsoft|we|We)\b[^.]{0,60}?\b(?:has\s+|had\s+|have\s+)?(?:removed|removing|removal|took\s+down|taken\s+down|actioned|terminated|suspended|suspending|banned|banning|disabled|blocked|deleted"
    r"|pulled\s+down|shut\s+down|closed|deactivated|purged|dismantled|took\s+(?:[\w,]+\s+){1,3}?offline"
    r"|eliminated|eradicated|axed|nixed|culled|wiped|scrubbed|shuttered)",
)
# "Twitter's suspension of 88 accounts": the possessive names who acted, whatever other brand the sentence names
_POSSESSIVE_RE = re.compile(
    r"\b(?P<brand>Facebook|Instagram|Meta|YouTube|Google|Twitter|X|TikTok|Reddit|OpenAI|Microsoft)['’]s\s+(?:[\w-]+\s+){0,2}?"
    r"(?:removal|suspension|takedown|termination|deletion|ban|banning|purge|closure|deactivation|disclosure)s?\s+of\b"
)
# "The 519 accounts were suspended by Twitter", "the suspension of 88 accounts by Twitter": the actor after the count
_BY_BRAND_RE = re.compile(
    r"\b(?:removed|suspended|taken\s+down|terminated|banned|disabled|deleted|deactivated|closed|blocked|removal|suspension|takedown|termination|ban|deletion)"
    r"\b[^.]{0,80}?\bby\s+(?P<brand>Facebook|Instagram|Meta|YouTube|Google|Twitter|X|TikTok|Reddit|OpenAI|Microsoft)\b"
)
_BRAND_OWNER = {
    "facebook": "Meta",
    "instagram": "Meta",
    "meta": "Meta",
    "youtube": "Google",
    "google": "Google",
    "twitter": "Twitter",
    "x": "Twitter",
    "tiktok": "TikTok",
    "reddit": "Reddit",
    "openai": "OpenAI",
    "microsoft": "Microsoft",
}


def org_platform(org: str | None) -> str | None:
    """The platform an organisation runs (Google TAG -> Google), or None for a researcher, a wire or a paper."""
    return _OWNER_BY_ORG.get(org) if org else None


def document_platform(text: str, org: str | None) -> str | None:
    """The platform that removed the assets: the publishing platform, else the brand named most in removal sentences."""
    if org in _OWNER_BY_ORG:
        return _OWNER_BY_ORG[org]
    scores: dict[str, float] = {}
    for m in list(_ACTOR_RE.finditer(text)) + list(_POSSESSIVE_RE.finditer(text)):
        owner = _BRAND_OWNER.get(m.group("brand").lower())
        if owner:
            scores[owner] = scores.get(owner, 0) + 5
    for owner, pattern in _BRANDS:
        scores[owner] = scores.get(owner, 0) + len(pattern.findall(text))
    best = max(scores.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] > 0 else None


def _actors(sentence: str) -> list[re.Match[str]]:
    """Who is said to remove, in order: "Twitter removed ...", "Twitter's suspension of ..."; when no one is named
    before a removal, the agent of a passive ("... were suspended by Twitter") stands at the sentence's start."""
    found = list(_POSSESSIVE_RE.finditer(sentence))
    found += [m for m in _ACTOR_RE.finditer(sentence) if not any(p.start() <= m.start() < p.end() for p in found)]
    if not found:
        found = list(_BY_BRAND_RE.finditer(sentence))[:1]
    return sorted(found, key=lambda m: m.start())


def sentence_owner(sentence: str, default: str | None) -> str | None:
    m = next(iter(_actors(sentence)), None)
    if m and m.group("brand").lower() != "we":
        return _BRAND_OWNER.get(m.group("brand").lower(), default)
    return default


def owner_at(sentence: str, position: int, default: str | None) -> str | None:
    """The platform of the actor named last before `position` ("Twitter suspended 9 accounts and
    Facebook removed 3 Pages")."""
    owner = default
    for m in _actors(sentence):
        if m.start() >= position and m.re is not _BY_BRAND_RE:
            break
        if m.group("brand").lower() != "we":
            owner = _BRAND_OWNER.get(m.group("brand").lower(), owner)
    return owner


def actor_brand_at(sentence: str, position: int) -> str | None:
    """The brand itself (lower case) of the actor named last before `position`: "Instagram removed three accounts"
    says whose accounts they were, which the owner (Meta) does not."""
    brand = None
    for m in _actors(sentence):
        if m.start() >= position and m.re is not _BY_BRAND_RE:
            break
        if m.group("brand").lower() != "we":
            brand = m.group("brand").lower()
    return brand
