"""The grammar of removed-asset counts, follower counts and ad spend in one sentence.

A count is only taken from a sentence that says something was taken down
("removed", "actioned", "took down", "terminated", "suspended", "banning", ...)
or from the platforms' tabular phrasings ("Presence on Facebook and Instagram:",
"Accounts in network: 52", "Total number of Facebook accounts removed: 2,784").
Within such a sentence a count is a number directly attached to an asset noun
("93 Facebook accounts", "one Group", "26 accounts on Instagram"), so numbers of
books, cities, people, years, money or percentages never qualify.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .assets import ADJECTIVES, NOUN_RE, PLATFORM_RE, asset_type, is_singular
from .numbers import NUMBER, QUALIFIERS, parse_number
from .platforms import owner_at

# A takedown's size stated as the make-up of the network ("The network consisted of 41 accounts").
COMPOSITION_RE = re.compile(
    r"\b(?:network|operation|campaign|cluster|activity|takedown)\b[^.]{0,60}?\b(?:consisted\s+of|comprised|was\s+made\s+up\s+of|included|spanned)\b",
    re.IGNORECASE,
)
REMOVAL_RE = re.compile(
    r"\b(?:remov(?:ed|e|es|ing|al)|took\s+down|taken\s+down|takes?\s+down|taking\s+down|takedowns?\s+of|"
    r"actioned|action(?:ed)?\s+against|terminat(?:ed|es?|ing|ion\s+of)|suspend(?:ed|s|ing)?|suspension\s+of|"
    r"bann(?:ed|ing)|bans?|disabl(?:ed|es?|ing)|delet(?:ed|es?|ing)|blocked|shut\s+down|purged|dismantled|"
    r"eliminated|disrupted|took\s+action)\b",
    re.IGNORECASE,
)
PRESENCE_RE = re.compile(rf"\bpresence\s+on\s+{PLATFORM_RE}\b|\b(?:accounts|pages|channels)\s+in\s+(?:the\s+)?network\b", re.IGNORECASE)
TOTAL_MARK_RE = re.compile(r"\b(?:a\s+total\s+of|in\s+total|total\s+number\s+of|altogether|combined\s+total)\b", re.IGNORECASE)
FOLLOW_VERB_RE = re.compile(r"^\s*(?:that\s+|who\s+)?(?:followed|follow|joined|were\s+members|liked|subscribed)\b", re.IGNORECASE)

_BEFORE = r"(?<![\w$€£#/.,:-])"
ITEM_RE = re.compile(
    rf"{_BEFORE}{NUMBER}"
    rf"(?:\s+(?:{ADJECTIVES}))*"
    rf"\s+(?:(?P<plat>{PLATFORM_RE})(?P<mixed>\s*(?:,|and|&|/|or)\s*{PLATFORM_RE})*(?:\s+(?:{ADJECTIVES}))*\s+)?"
    rf"(?P<noun>{NOUN_RE})\b"
    rf"(?:\s+(?:on|from|across)\s+(?P<plat2>{PLATFORM_RE})\b(?P<mixed2>\s*(?:,|and|&|/|or)\s*{PLATFORM_RE}\b)*)?",
    re.IGNORECASE,
)
ELIDED_RE = re.compile(
    rf"{_BEFORE}{NUMBER}\s+(?P<plat>{PLATFORM_RE})(?=\s*(?:,|and\b|&|as\s+well\s+as\b))",
    re.IGNORECASE,
)
NOUN_LIST_AFTER_RE = re.compile(
    rf"^\s*(?:,|—|–|-|:|\()?\s*(?:{PLATFORM_RE}\s+)?{NOUN_RE}"
    rf"(?:\s*(?:,|\band\b|\bor\b|&)\s*(?:and\s+|or\s+)?(?:{PLATFORM_RE}\s+)?{NOUN_RE}\b)+",
    re.IGNORECASE,
)
TOTAL_LINE_RE = re.compile(
    rf"total\s+number\s+of\s+(?:(?P<plat>{PLATFORM_RE})\s+)?(?P<noun>{NOUN_RE})\s+(?:removed|actioned|taken\s+down|suspended|terminated)?\s*[:\-–]?\s*"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+)",
    re.IGNORECASE,
)
TABLE_COUNT_RE = re.compile(r"\b(?P<noun>accounts|pages|channels)\s+in\s+(?:the\s+)?network\s*[:|]?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+)", re.IGNORECASE)
TABLE_FOLLOWERS_RE = re.compile(r"\bfollowers\s+of\s+(?:the\s+)?network\s*[:|]?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s*(?:million|[mk])?)", re.IGNORECASE)
FOLLOWERS_RE = re.compile(
    rf"{_BEFORE}{NUMBER}\s+(?:(?:accounts|people|users|individuals|followers|profiles)\s+)?"
    rf"(?:followed|joined|were\s+members\s+of|subscribed\s+to|liked)\s+"
    rf"(?:(?:one\s+or\s+more|at\s+least\s+one|some|any|all|each|one)\s+of\s+)?(?:these|this|the|those|their)\s+"
    rf"(?:(?P<plat>{PLATFORM_RE})\s+)?(?P<noun>{NOUN_RE})",
    re.IGNORECASE,
)
AD_SPEND_RE = re.compile(
    rf"(?:(?P<qual>{QUALIFIERS})\s+)?(?:US\s?)?\$\s?(?P<amount>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s*(?P<scale>million|thousand|[mk]\b)?",
    re.IGNORECASE,
)
AD_CONTEXT_RE = re.compile(r"\b(?:spend|spent|spending|ads?|advertis\w*)\b", re.IGNORECASE)
# Counts of what was removed before, by others or earlier, are not this takedown's.
PRIOR_REMOVAL_RE = re.compile(
    r"\b(?:previously|already|earlier)\s+(?:been\s+)?(?:removed|taken\s+down|disabled|suspended|banned|actioned|deleted)\b|\ball\s+but\s+",
    re.IGNORECASE,
)
_YEAR_CONTEXT = re.compile(r"\b(?:in|since|during|of|from|until|by|before|after)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    asset: str
    value: int
    approximate: bool
    start: int
    is_total: bool = False


def is_count_sentence(sentence: str) -> bool:
    return bool(REMOVAL_RE.search(sentence) or PRESENCE_RE.search(sentence) or TOTAL_LINE_RE.search(sentence) or COMPOSITION_RE.search(sentence))


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    value: int
    approximate: bool
    platform: str | None
    noun: str | None


def _items(sentence: str) -> list[_Item]:
    items: list[_Item] = []
    for m in ITEM_RE.finditer(sentence):
        value = parse_number(m.group("num"))
        if value is None or _is_year(sentence, m) or FOLLOW_VERB_RE.match(sentence[m.end():]):
            continue
        word_number = not m.group("num")[0].isdigit()
        if word_number and value == 1 and not is_singular(m.group("noun")):
            continue
        platform = m.group("plat") or m.group("plat2")
        if platform and platform == "x":  # lower-case "x" is not the platform X
            platform = None
        if m.group("mixed") or m.group("mixed2"):  # "Facebook and Instagram accounts": no single platform
            platform = "several"
        items.append(_Item(m.start(), m.end(), value, bool(m.group("qual")), platform, m.group("noun")))
    taken = [(i.start, i.end) for i in items]
    for m in ELIDED_RE.finditer(sentence):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = parse_number(m.group("num"))
        if value is not None and m.group("num")[0].isdigit() or value and value > 1:
            items.append(_Item(m.start(), m.end(), value, bool(m.group("qual")), m.group("plat"), None))
    return sorted(items, key=lambda i: i.start)


def _is_year(sentence: str, m: re.Match[str]) -> bool:
    num = m.group("num")
    return bool(re.fullmatch(r"(?:19|20)\d\d", num)) and bool(_YEAR_CONTEXT.search(sentence[: m.start()]))


def count_hits(sentence: str, *, owner: str | None) -> list[Hit]:
    """Removed-asset counts stated in one sentence, in order."""
    hits: list[Hit] = []
    for m in TOTAL_LINE_RE.finditer(sentence):
        asset = asset_type(m.group("noun"), m.group("plat"), meta_context=owner == "Meta", platform_owner=owner)
        if asset:
            hits.append(Hit(asset, int(m.group("num").replace(",", "")), False, m.start(), is_total=True))
    for m in TABLE_COUNT_RE.finditer(sentence):
        asset = asset_type(m.group("noun"), None, meta_context=owner == "Meta", platform_owner=owner)
        if asset:
            hits.append(Hit(asset, int(m.group("num").replace(",", "")), False, m.start()))
    if hits or not is_count_sentence(sentence) or PRIOR_REMOVAL_RE.search(sentence):
        return hits
    items = _items(sentence)
    names_instagram = any((i.platform or "").lower() in ("instagram", "ig") for i in items)
    total_marked = bool(TOTAL_MARK_RE.search(sentence))
    document_owner = owner
    for index, item in enumerate(items):
        owner = owner_at(sentence, item.start, document_owner)
        meta = owner == "Meta"
        noun = item.noun
        if noun is None:  # "99 Instagram, 36 Facebook accounts": borrow the next noun
            noun = next((n.noun for n in items[index + 1 :] if n.noun), None)
            if noun is None:
                continue
        if item.noun and NOUN_LIST_AFTER_RE.match(sentence[item.end :]):
            asset = "total_assets"  # "783 Pages, groups and accounts"
        else:
            asset = asset_type(noun, item.platform, meta_context=meta, platform_owner=owner)
            if asset == "accounts" and meta and names_instagram and item.platform is None:
                asset = "facebook_accounts"
        if asset:
            hits.append(Hit(asset, item.value, item.approximate, item.start, is_total=total_marked))
    return hits


_FOLLOW_HINT = re.compile(r"follow|joined|members|subscribed|liked", re.IGNORECASE)


def follower_hits(sentence: str, *, owner: str | None) -> list[Hit]:
    hits: list[Hit] = []
    if not _FOLLOW_HINT.search(sentence):  # cheap gate: most sentences say nothing about followers
        return hits
    for m in FOLLOWERS_RE.finditer(sentence):
        value = parse_number(m.group("num"))
        asset = asset_type(m.group("noun"), m.group("plat"), meta_context=owner in (None, "Meta"), platform_owner=owner)
        if value is not None and asset:
            hits.append(Hit(asset, value, bool(m.group("qual")), m.start()))
    for m in TABLE_FOLLOWERS_RE.finditer(sentence):
        value = parse_number(m.group("num"))
        asset = asset_type("accounts", None, meta_context=False, platform_owner=owner)
        if value is not None and asset:
            hits.append(Hit(asset, value, False, m.start()))
    return hits


def ad_spend(sentence: str) -> int | None:
    if not AD_CONTEXT_RE.search(sentence):
        return None
    for m in AD_SPEND_RE.finditer(sentence):
        value = parse_number(m.group("amount") + (" " + m.group("scale") if m.group("scale") else ""))
        if value is not None:
            return value
    return None
