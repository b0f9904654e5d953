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

from dataclasses import dataclass, field

from .counts import ad_spend, count_hits, follower_hits
from .platforms import document_platform, sentence_owner
from .places import origins, targets
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


def extract_facts(text: str, *, title: str | None = None, org: str | None = None) -> Facts:
    facts = Facts(platform=document_platform(f"{title or ''}\n{text}", org))
    doc_sentences = sentences(text)
    drafts: list[_Draft] = []
    seen_pairs: set[tuple[str, int]] = set()
    for index, s in enumerate(doc_sentences):
        owner = sentence_owner(s.text, facts.platform)
        hits = count_hits(s.text, owner=owner)
        if hits:
            _add_counts(facts, drafts, s, index, hits, seen_pairs)
        followers = follower_hits(s.text, owner=owner)
        spend = ad_spend(s.text)
        if (followers or spend is not None) and drafts:
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


def _add_counts(facts: Facts, drafts: list[_Draft], s: Sentence, index: int, hits: list, seen_pairs: set[tuple[str, int]]) -> None:
    totals = [h for h in hits if h.is_total]
    network_hits = [h for h in hits if not h.is_total]
    for h in totals:
        if h.asset not in facts.totals:
            facts.totals[h.asset] = h.value
            if h.approximate:
                facts.totals_approximate.append(h.asset)
            if s.text not in facts.totals_evidence:
                facts.totals_evidence.append(s.text)
    if not network_hits:
        return
    pairs = {(h.asset, h.value) for h in network_hits}
    if pairs <= seen_pairs:
        return  # a restatement of counts already recorded
    seen_pairs |= pairs
    current = drafts[-1] if drafts else None
    new_types = {h.asset for h in network_hits}
    extend = current is not None and not new_types & set(current.network.counts) and (
        current.last_paragraph == s.paragraph
        # "we removed 265 accounts, Pages and Groups" then the breakdown: one network
        or (set(current.network.counts) == {"total_assets"} and s.paragraph - current.last_paragraph <= 2)
    )
    if not extend:
        current = _Draft(Network(), s.paragraph, s.paragraph, index, index)
        drafts.append(current)
    assert current is not None
    for h in network_hits:
        current.network.counts.setdefault(h.asset, h.value)
        if h.approximate and h.asset not in current.network.approximate:
            current.network.approximate.append(h.asset)
    current.network.evidence.append(s.text)
    current.last_paragraph = s.paragraph
    current.last_sentence = index


def _assign_places(facts: Facts, drafts: list[_Draft], doc_sentences: list[Sentence], title: str | None) -> None:
    """Origin and targets per network, from its own sentences, then the title (and lead, for one network)."""
    lead = " ".join(s.text for s in doc_sentences if s.paragraph <= 1)
    title_origin = origins(title or "")
    title_targets = targets(title or "", title_origin)
    doc_origin = title_origin or origins(lead)
    doc_targets = title_targets or targets(lead, doc_origin)
    if not drafts:
        if doc_origin or doc_targets:
            facts.networks.append(Network(origin=doc_origin, targets=doc_targets))
        return
    if len(drafts) == 1:
        own = " ".join(s.text for s in doc_sentences)
        network = drafts[0].network
        network.origin = _union(doc_origin, origins(own))
        network.targets = _union(doc_targets, targets(own, network.origin))
        return
    for i, d in enumerate(drafts):
        # from the previous network's end to the next network's start
        start = drafts[i - 1].last_sentence + 1 if i else 0
        end = drafts[i + 1].first_sentence if i + 1 < len(drafts) else len(doc_sentences)
        region = " ".join(s.text for s in doc_sentences[start:end])
        d.network.origin = origins(region) or title_origin
        d.network.targets = targets(region, d.network.origin) or title_targets


def _union(a: list[str], b: list[str]) -> list[str]:
    return a + [x for x in b if x not in a]
