"""Assemble sentence-level hits into networks: counts, followers, ad spend, places.

A monthly Meta report or a TAG bulletin describes many networks; a network
summary one; a press release usually one. A sentence with new removal counts
opens a network (or extends the current one within a paragraph when it names
other asset types); follower and ad-spend sentences attach to the current one;
a sentence that only repeats counts already recorded adds nothing. Origin and
targets come from the network's own paragraphs, falling back to the title and
lead of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .counts import (
    Hit,
    ad_spend,
    count_hits,
    follower_hits,
    starts_removal_context,
)
from .lexicon import (
    ASSET_STEMS,
    COMPOSITION_STEMS,
    NETWORK_STEMS,
    TAKEDOWN_STEMS,
    mentions_any,
)
from .places import origins, span_origins, targets
from .platforms import document_platform, sentence_owner
from .report import Network
from .sentences import Sentence, sentences


@dataclass
class Facts:
    platform: str | None = None
    networks: list[Network] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    totals_evidence: list[str] = field(default_factory=list)
    totals_approximate: list[str] = field(default_factory=list)


@dataclass
class _Draft:
    network: Network
    first_paragraph: int
    last_paragraph: int
    first_sentence: int
    last_sentence: int
    # the part of a sentence this network owns when one sentence holds several networks
    clips: dict[int, tuple[int, int]] = field(default_factory=dict)


def extract_facts(text: str, *, title: str | None = None, org: str | None = None) -> Facts:
    facts = Facts(platform=document_platform(f"{title or ''}\n{text[:PLATFORM_WINDOW]}", org))
    if not might_count(text):  # cheap gate: nothing is said to be removed, so nothing is counted
        lead = "\n\n".join(re.split(r"\n[ \t]*\n", text[:LEAD_WINDOW].strip())[:2])
        _assign_places(facts, [], sentences(lead, title), title)
        return facts
    doc_sentences = sentences(text, title)
    drafts: list[_Draft] = []
    seen_pairs: set[tuple[str, int]] = set()
    # a removal has been stated (a headline counts): verbless compositions count from here on
    context = bool(title) and starts_removal_context(title or "")
    for index, s in enumerate(doc_sentences):
        lowered = s.text.lower()
        if not mentions_any(lowered, ASSET_STEMS) and not (drafts and _FOLLOW_OR_SPEND_HINT.search(s.text)):
            # cheap gate: most sentences of most pages name no asset at all; "we removed two networks" still opens the context
            context = context or (mentions_any(lowered, TAKEDOWN_STEMS) and starts_removal_context(s.text))
            continue
        owner = sentence_owner(s.text, facts.platform)
        if not context and index and _ANAPHORIC_REMOVAL.match(s.text) and doc_sentences[index - 1].paragraph == s.paragraph:
            # "We are disclosing 936 accounts ... These accounts were suspended": the verb comes after
            previous = doc_sentences[index - 1]
            earlier = count_hits(previous.text, owner=sentence_owner(previous.text, facts.platform), context=True)
            if earlier:
                _add_counts(facts, drafts, previous, index - 1, earlier, seen_pairs)
        hits = count_hits(s.text, owner=owner, context=context, item=s.kind != "text")
        if hits:
            _add_counts(facts, drafts, s, index, hits, seen_pairs)
        context = context or starts_removal_context(s.text)
        followers = follower_hits(s.text, owner=owner)
        spend = ad_spend(s.text)
        # followers and spend belong to the network just described, not to one far back
        if (followers or spend is not None) and drafts and s.paragraph - drafts[-1].last_paragraph <= MAX_ATTACH_PARAGRAPHS:
            current = drafts[-1].network
            added = False
            for h in followers:
                if h.asset not in current.followers:
                    current.followers[h.asset] = h.value
                    added = True
            if spend is not None and current.ad_spend_usd is None:
                current.ad_spend_usd = spend
                added = True
            if added and s.text not in current.evidence:
                current.evidence.append(s.text)
                drafts[-1].last_paragraph = max(drafts[-1].last_paragraph, s.paragraph)
                drafts[-1].last_sentence = index
    facts.networks = [d.network for d in drafts]
    _assign_places(facts, drafts, doc_sentences, title)
    return facts


PLATFORM_WINDOW = 30_000  # the acting platform is named early; brand counts over a whole book add nothing
LEAD_WINDOW = 4_000


def might_count(text: str) -> bool:
    """Whether `text` could state removed-asset counts at all (substring checks, no regex)."""
    lowered = text.lower()
    if not mentions_any(lowered, ASSET_STEMS):
        return False
    return mentions_any(lowered, TAKEDOWN_STEMS) or (mentions_any(lowered, COMPOSITION_STEMS) and mentions_any(lowered, NETWORK_STEMS))


_FOLLOW_OR_SPEND_HINT = re.compile(r"follow|joined|members|subscribed|liked|\$|spen[dt]|ads?\b|advertis", re.IGNORECASE)
MAX_ATTACH_PARAGRAPHS = 3
TRAILING_PARAGRAPHS = 2
_ANAPHORIC_REMOVAL = re.compile(
    r"^(?:These|Those|The|All|They|Both|Each|All\s+of\s+(?:them|these|those))\b(?:\s+[\w-]+){0,4}?\s+(?:were|was|have\s+been|had\s+been|are)\s+(?:\w+\s+)?"
    r"(?:removed|suspended|terminated|taken\s+down|banned|disabled|deleted|deactivated|closed|blocked|shut\s+down)\b"
)


def _groups(hits: list[Hit]) -> list[list[Hit]]:
    """Split a sentence's hits where an asset type repeats: "87 channels ... and 6 channels" are two networks."""
    groups: list[list[Hit]] = [[]]
    for h in hits:
        if any(g.asset == h.asset for g in groups[-1]):
            groups.append([])
        groups[-1].append(h)
    return [g for g in groups if g]


def _add_counts(facts: Facts, drafts: list[_Draft], s: Sentence, index: int, hits: list[Hit], seen_pairs: set[tuple[str, int]]) -> None:
    # a second, different total of one type is a network's own ("A total of 104 accounts were suspended")
    totals = [h for h in hits if h.is_total and facts.totals.get(h.asset, h.value) == h.value]
    network_hits = [h for h in hits if h not in totals]
    for h in totals:
        if h.asset not in facts.totals:
            facts.totals[h.asset] = h.value
            if h.approximate:
                facts.totals_approximate.append(h.asset)
            if s.text not in facts.totals_evidence:
                facts.totals_evidence.append(s.text)
        seen_pairs.add((h.asset, h.value))
    fresh = [h for h in network_hits if (h.asset, h.value) not in seen_pairs]
    if not fresh:
        return  # a restatement of counts already recorded
    groups = _groups(network_hits)
    for n, group in enumerate(groups):
        pairs = {(h.asset, h.value) for h in group}
        if pairs <= seen_pairs:
            continue
        seen_pairs |= pairs
        current = drafts[-1] if drafts else None
        new_types = {h.asset for h in group}
        extend = n == 0 and current is not None and not new_types & set(current.network.counts) and (
            current.last_paragraph == s.paragraph
            # "we removed 265 accounts, Pages and Groups" then the breakdown: one network
            or (set(current.network.counts) == {"total_assets"} and s.paragraph - current.last_paragraph <= 2)
        )
        if not extend:
            current = _Draft(Network(), s.paragraph, s.paragraph, index, index)
            drafts.append(current)
        assert current is not None
        for h in group:
            current.network.counts.setdefault(h.asset, h.value)
            if h.approximate and h.asset not in current.network.approximate:
                current.network.approximate.append(h.asset)
        if s.text not in current.network.evidence:
            current.network.evidence.append(s.text)
        if len(groups) > 1:
            current.clips[index] = (group[0].start if n else 0, groups[n + 1][0].start if n + 1 < len(groups) else len(s.text))
        current.last_paragraph = s.paragraph
        current.last_sentence = index


def _assign_places(facts: Facts, drafts: list[_Draft], doc_sentences: list[Sentence], title: str | None) -> None:
    """Origin and targets per network: its own span of sentences first, then the title (and lead, for one network).

    A network's span runs from its first count (or the heading or label just above it)
    to the next network's first count, so a description that follows a network's
    numbers is its own and never its neighbour's.
    """
    lead = " ".join(s.text for s in doc_sentences if s.paragraph <= 1)
    title_origin = origins(title or "")
    title_targets = targets(title or "", title_origin)
    doc_origin = title_origin or origins(lead)
    doc_targets = title_targets or targets(lead, doc_origin)
    if not drafts:
        if doc_origin or doc_targets:
            facts.networks.append(Network(origin=doc_origin, targets=doc_targets))
        return
    starts = [_span_start(d.first_sentence, doc_sentences, drafts[i - 1].last_sentence if i else -1) for i, d in enumerate(drafts)]
    for i, d in enumerate(drafts):
        if i + 1 < len(drafts):
            end = max(starts[i + 1], d.last_sentence + 1)
        else:  # the last network's description follows it closely; background further down is not about it
            end = next((j for j in range(d.last_sentence + 1, len(doc_sentences)) if doc_sentences[j].paragraph > d.last_paragraph + TRAILING_PARAGRAPHS), len(doc_sentences))
        span = doc_sentences[starts[i] : end]
        texts = [_owned_text(j, s.text, d, drafts) for j, s in enumerate(span, starts[i])]
        own_origin = span_origins(texts, [s.kind for s in span])
        own_targets = targets(" ".join(texts), own_origin)
        if len(drafts) == 1:
            d.network.origin = _union(doc_origin, own_origin or origins(" ".join(s.text for s in doc_sentences)))
            d.network.targets = _union(doc_targets, own_targets or targets(" ".join(s.text for s in doc_sentences), d.network.origin))
        else:
            d.network.origin = own_origin or title_origin
            d.network.targets = own_targets or title_targets


def _owned_text(index: int, text: str, draft: _Draft, drafts: list[_Draft]) -> str:
    """The part of sentence `index` that speaks of `draft` ("640 channels tied to Russia, and 63 linked to Azerbaijan")."""
    if index in draft.clips:
        a, b = draft.clips[index]
        return text[a:b]
    others = [d.clips[index][0] for d in drafts if index in d.clips]
    return text[: min(others)] if others else text


def _span_start(first: int, doc_sentences: list[Sentence], previous_last: int) -> int:
    """Where a network's own text begins: the headings that introduce it ("Russia", "March"),
    and, when its counts sit in a table, the paragraph that describes it just above.
    The first network owns everything before it."""
    if previous_last < 0:
        return 0
    start = first
    while start - 1 > previous_last and doc_sentences[start - 1].kind == "heading":
        start -= 1
    while start - 1 > previous_last and doc_sentences[first].kind == "item" and doc_sentences[start - 1].paragraph == doc_sentences[first].paragraph:
        start -= 1  # a list item is one network's from its label on: "Iran: ... operating from Iran. A total of 100 ..."
    if doc_sentences[first].kind == "item" and start - 1 > previous_last and doc_sentences[start - 1].kind == "text":
        paragraph = doc_sentences[start - 1].paragraph
        while start - 1 > previous_last and doc_sentences[start - 1].paragraph == paragraph:
            start -= 1
    return start


def _union(a: list[str], b: list[str]) -> list[str]:
    return a + [x for x in b if x not in a]
