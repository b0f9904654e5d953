"""Which platform acted: the publisher's own, else the brand that removes things in the text."""

from __future__ import annotations

import re

# Who acted, from the brands a text names (the org that publishes it is a strong prior).
_OWNER_BY_ORG = {
    "Meta": "Meta", "Facebook": "Meta", "Google TAG": "Google", "Google": "Google", "Twitter": "Twitter", "X": "Twitter",
    "TikTok": "TikTok", "Reddit": "Reddit", "OpenAI": "OpenAI", "Microsoft": "Microsoft",
}
_BRANDS = [
    ("Meta", re.compile(r"\b(?:Facebook|Instagram|Meta)\b")),
    ("Google", re.compile(r"\b(?:YouTube|Google|TAG|Blogger|AdSense)\b")),
    ("Twitter", re.compile(r"\b(?:Twitter|tweets?)\b")),
    ("TikTok", re.compile(r"\bTikTok\b")),
    ("Reddit", re.compile(r"\b(?:Reddit|subreddits?)\b")),
    ("OpenAI", re.compile(r"\b(?:OpenAI|ChatGPT)\b")),
]
_ACTOR_RE = re.compile(
    r"\b(?P<brand>Facebook|Instagram|Meta|YouTube|Google|Twitter|X|TikTok|Reddit|OpenAI|Microsoft|we|We)\b[^.]{0,60}?\b(?:has\s+|had\s+|have\s+)?(?:removed|took\s+down|taken\s+down|actioned|terminated|suspended|banned|banning|disabled|blocked|deleted)",
)
_BRAND_OWNER = {
    "facebook": "Meta", "instagram": "Meta", "meta": "Meta", "youtube": "Google", "google": "Google", "twitter": "Twitter",
    "x": "Twitter", "tiktok": "TikTok", "reddit": "Reddit", "openai": "OpenAI", "microsoft": "Microsoft",
}


def org_platform(org: str | None) -> str | None:
    """The platform an organisation runs (Google TAG -> Google), or None for a researcher, a wire or a paper."""
    return _OWNER_BY_ORG.get(org) if org else None


def document_platform(text: str, org: str | None) -> str | None:
    """The platform that removed the assets: the publishing platform, else the brand named most in removal sentences."""
    if org in _OWNER_BY_ORG:
        return _OWNER_BY_ORG[org]
    scores: dict[str, float] = {}
    for m in _ACTOR_RE.finditer(text):
        owner = _BRAND_OWNER.get(m.group("brand").lower())
        if owner:
            scores[owner] = scores.get(owner, 0) + 5
    for owner, pattern in _BRANDS:
        scores[owner] = scores.get(owner, 0) + len(pattern.findall(text))
    best = max(scores.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] > 0 else None


def sentence_owner(sentence: str, default: str | None) -> str | None:
    m = _ACTOR_RE.search(sentence)
    if m and m.group("brand").lower() != "we":
        return _BRAND_OWNER.get(m.group("brand").lower(), default)
    return default


def owner_at(sentence: str, position: int, default: str | None) -> str | None:
    """The platform of the actor named last before `position` ("Twitter suspended 9 accounts and Facebook removed 3 Pages")."""
    owner = default
    for m in _ACTOR_RE.finditer(sentence):
        if m.start() >= position:
            break
        if m.group("brand").lower() != "we":
            owner = _BRAND_OWNER.get(m.group("brand").lower(), owner)
    return owner
