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
from dataclasses import dataclass, field, replace

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
from .places import (
    HEADING_CHECK,
    KNOWN_OPERATOR_CHECK,
    NEXT_SENTENCE_CHECK,
    SUBJECT_CHECK,
    origin_checks,
    span_origin_checks,
    target_checks,
)
from .platforms import PLATFORM_ORGS, document_platform, sentence_owner
from .report import CHECK, HIGH, Network
from .sentences import Sentence, sentences


@dataclass
class Facts:
    platform: str | None = None
    networks: list[Network] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    totals_evidence: list[str] = field(default_factory=list)
    totals_approximate: list[str] = field(default_factory=list)
    totals_checks: dict[str, list[str]] = field(default_factory=dict)
    totals_confidence: dict[str, str] = field(default_factory=dict)
    several: bool = False  # the title or lead speaks of several networks


@dataclass
class _Draft:
    network: Network
    first_paragraph: int
    last_paragraph: int
    first_sentence: int
    last_sentence: int
    # the part of a sentence this network owns when one sentence holds several networks
    clips: dict[int, tuple[int, int]] = field(default_factory=dict)
    # per asset type, why a curator should check its count (empty: read plainly)
    count_checks: dict[str, list[str]] = field(default_factory=dict)
    follower_checks: dict[str, list[str]] = field(default_factory=dict)


def extract_facts(text: str, *, title: str | None = None, org: str | None = None) -> Facts:
    facts = Facts(platform=document_platform(f"{title or ''}\n{text[:PLATFORM_WINDOW]}", org))
    if not might_count(text):  # cheap gate: nothing is said to be removed, so nothing is counted
        lead = "\n\n".join(re.split(r"\n[ \t]*\n", text[:LEAD_WINDOW].strip())[:2])
        _assign_places(facts, [], sentences(lead, title), title)
        return facts
    doc_sentences = sentences(text, title)
    facts.several = bool(_SEVERAL.search(" ".join([title or ""] + [s.text for s in doc_sentences if s.paragraph <= 1])))
    drafts: list[_Draft] = []
    seen_pairs: set[tuple[str, int]] = set()
    platform_report = org in PLATFORM_ORGS  # the publisher is the platform that acted
    focus: _Draft | None = None  # the network the text is speaking of (the last one counted or restated)
    # followers stated before any count ("About 3,000 accounts followed one or more of its Pages" in a retelling
    # that gives no numbers of removed assets): the document's one network, when no count comes
    orphan_followers: dict[str, int] = {}
    # a removal has been stated (a headline counts): verbless compositions count from here on
    context = bool(title) and starts_removal_context(title or "")
    for index, s in enumerate(doc_sentences):
        lowered = s.text.lower()
        if not mentions_any(lowered, ASSET_STEMS) and not (drafts and _FOLLOW_OR_SPEND_HINT.search(s.text)):
            # cheap gate: most sentences of most pages name no asset at all; "we removed two networks"
            # still opens the context
            context = context or (mentions_any(lowered, TAKEDOWN_STEMS) and starts_removal_context(s.text))
            continue
        owner = sentence_owner(s.text, facts.platform)
        if (
            not context
            and index
            and _ANAPHORIC_REMOVAL.match(s.text)
            and doc_sentences[index - 1].paragraph == s.paragraph
        ):
            # "We are disclosing 936 accounts ... These accounts were suspended": the verb comes after
            previous = doc_sentences[index - 1]
            earlier = count_hits(previous.text, owner=sentence_owner(previous.text, facts.platform), context=True)
            if earlier:
                focus = _add_counts(facts, drafts, previous, index - 1, earlier, seen_pairs) or focus
        hits = count_hits(s.text, owner=owner, context=context, item=s.kind != "text", platform_report=platform_report)
        if hits:
            focus = _add_counts(facts, drafts, s, index, hits, seen_pairs) or focus
        # a counted sentence ("Dataset 1 consisted of 1,052 accounts") says a takedown is being described
        context = context or bool(hits) or starts_removal_context(s.text)
        followers = follower_hits(s.text, owner=owner)
        if not drafts:
            for h in followers:
                orphan_followers.setdefault(h.asset, h.value)
        spend = ad_spend(s.text)
        # followers and spend belong to the network just described, not to one far back; a labelled
        # "Followers:" or "Advertising:" line (Meta's bullets) belongs to it wherever it stands
        labelled = bool(_FOLLOWER_LABEL.match(s.text)) and focus is drafts[-1] if drafts else False
        if (
            (followers or spend is not None)
            and focus is not None
            and (labelled or s.paragraph - focus.last_paragraph <= MAX_ATTACH_PARAGRAPHS)
        ):
            current = focus.network
            added = False
            far = s.paragraph - focus.last_paragraph > MAX_ATTACH_PARAGRAPHS
            for h in followers:
                specific = [k for k in current.counts if k in _GENERIC.get(h.asset, ())]
                if (
                    len(specific) == 1 and h.asset not in current.counts
                ):  # "the accounts had 900 followers": the network's accounts
                    h = replace(h, asset=specific[0])
                if h.asset not in current.followers:
                    current.followers[h.asset] = h.value
                    reasons = [*h.checks, *([FAR_FOLLOWERS_CHECK] if far else [])]
                    if reasons:
                        focus.follower_checks[h.asset] = reasons
                    added = True
            if spend is not None and current.ad_spend_usd is None:
                current.ad_spend_usd = spend
                added = True
            if added and s.text not in current.evidence:
                current.evidence.append(s.text)
                focus.last_paragraph = max(focus.last_paragraph, s.paragraph)
                focus.last_sentence = max(focus.last_sentence, index)
    facts.networks = [d.network for d in drafts]
    _assign_places(facts, drafts, doc_sentences, title)
    if not drafts and orphan_followers and not facts.totals:
        if not facts.networks:
            facts.networks.append(Network())
        network = facts.networks[0]
        network.followers = dict(orphan_followers)
        network.confidence["followers"] = dict.fromkeys(orphan_followers, CHECK)
        network.checks["followers"] = {k: [ORPHAN_FOLLOWERS_CHECK] for k in orphan_followers}
    _set_totals_confidence(facts)
    return facts


PLATFORM_WINDOW = 30_000  # the acting platform is named early; brand counts over a whole book add nothing
LEAD_WINDOW = 4_000


def might_count(text: str) -> bool:
    """Whether `text` could state removed-asset counts at all (substring checks, no regex)."""
    lowered = text.lower()
    if not mentions_any(lowered, ASSET_STEMS):
        return False
    return mentions_any(lowered, TAKEDOWN_STEMS) or (
        mentions_any(lowered, COMPOSITION_STEMS) and mentions_any(lowered, NETWORK_STEMS)
    )


_FOLLOW_OR_SPEND_HINT = re.compile(r"follow|joined|members|subscribed|liked|\$|spen[dt]|ads?\b|advertis", re.IGNORECASE)
MAX_ATTACH_PARAGRAPHS = 3
_SEVERAL = re.compile(r"\b(?:networks|operations|campaigns|takedowns)\b", re.IGNORECASE)
FAR_FOLLOWERS_CHECK = "a labelled follower line far below the counts"
ORPHAN_FOLLOWERS_CHECK = "followers of a network whose removed assets are not counted"
_FOLLOWER_LABEL = re.compile(
    r"^\s*(?:followers|audience|following|advertising|ad\s+spend|ads)\b[^:]{0,40}:", re.IGNORECASE
)
TRAILING_PARAGRAPHS = 2
_ANAPHORIC_REMOVAL = re.compile(
    r"^(?:These|Those|The|All|They|Both|Each|All\s+of\s+(?:them|these|those))\b(?:\s+[\w-]+){0,4}?\s+(?:were|was|have\s+been|had\s+been|are)\s+(?:\w+\s+)?"
    r"(?:removed|suspended|terminated|taken\s+down|banned|disabled|deleted|deactivated|closed|blocked|shut\s+down)\b"
)


def _groups(hits: list[Hit]) -> list[list[Hit]]:
    """Split a sentence's hits where an asset type repeats ("87 channels ... and 6 channels" are two networks)
    or where another platform is said to act."""
    groups: list[list[Hit]] = [[]]
    for h in hits:
        actors = {g.actor for g in groups[-1] if g.actor}
        # a repeated type, or another platform acting
        # ("Facebook's removal of 57 Pages followed Twitter's suspension of ...")
        if any(g.asset == h.asset for g in groups[-1]) or (h.actor and actors and h.actor not in actors):
            groups.append([])
        groups[-1].append(h)
    return [g for g in groups if g]


# A type named without its platform, and the platform types it may stand for in a restatement.
_GENERIC = {
    "accounts": (
        "facebook_accounts",
        "instagram_accounts",
        "twitter_accounts",
        "tiktok_accounts",
        "reddit_accounts",
        "youtube_channels",
    ),
    "pages": ("facebook_pages",),
    "groups": ("facebook_groups",),
}
RESTATED_MIN_VALUE = 10  # below this, one equal number in two places may be chance


def _same_count(a: Hit, asset: str, value: int, approximate: bool) -> bool:
    """Whether hit `a` restates the recorded (asset, value): the same type or its platform-less form, and the same
    number, or an approximate number within 10% of it ("more than 1,200 accounts" then "1,204 accounts")."""
    if not (a.asset == asset or asset in _GENERIC.get(a.asset, ()) or a.asset in _GENERIC.get(asset, ())):
        return False
    if a.part:
        return False  # "18,000 of these channels" is a part of the 20,000, not them again
    if a.value == value:
        return True
    if (a.bound == "min" and value < a.value) or (a.bound == "max" and value > a.value):
        return False  # "over 200 Instagram accounts" cannot restate 192 accounts
    if (a.approximate or approximate) and min(a.value, value) >= 50:
        return abs(a.value - value) <= 0.1 * max(a.value, value)
    return False


def _restated_in(group: list[Hit], drafts: list[_Draft]) -> tuple[_Draft, list[tuple[Hit, str]]] | None:
    """The network a group of hits restates: every hit matches one of its counts, or some do (one of them at least
    RESTATED_MIN_VALUE) and the rest name types it does not have yet. Later networks are tried first."""
    for d in reversed(drafts):
        counts = d.network.counts
        matched: list[tuple[Hit, str]] = []
        for h in group:
            key = next((k for k, v in counts.items() if _same_count(h, k, v, k in d.network.approximate)), None)
            if key is not None:
                matched.append((h, key))
        rest = [h for h in group if all(h is not m for m, _ in matched)]
        if not matched:
            continue
        if not rest or (
            max(h.value for h, _ in matched) >= RESTATED_MIN_VALUE
            and not any(
                h.asset in counts
                or any(k in _GENERIC.get(h.asset, ()) or h.asset in _GENERIC.get(k, ()) for k in counts)
                for h in rest
            )
        ):
            return d, matched
    for d in reversed(drafts):  # "53 accounts, Pages and Groups" then "41 Facebook accounts, 8 Pages and 4 Groups"
        [(key, value)] = d.network.counts.items() if len(d.network.counts) == 1 else [("", 0)]
        parts = key == "total_assets" or all(h.asset in _GENERIC.get(key, ()) for h in group)
        if (
            key
            and len(group) > 1
            and parts
            and sum(h.value for h in group) == value
            and all(h.asset != key for h in group)
        ):
            return d, []
    return None


def _merge_restatement(d: _Draft, matched: list[tuple[Hit, str]], group: list[Hit], s: Sentence, index: int) -> None:
    """Fold a restatement into network `d`: a platform-less type becomes the platform's, an approximate number the
    exact one, new types join, and the plainer finding's checks win."""
    net = d.network
    for h, key in matched:
        asset, value = key, net.counts[key]
        if key in _GENERIC.get(h.asset, ()):
            pass  # the recorded type is the more specific one
        elif h.asset in _GENERIC.get(key, ()):
            asset = h.asset
        if value != h.value and key in net.approximate and not h.approximate:
            value = h.value
        checks = d.count_checks.pop(key, [])
        if asset != key or value != net.counts[key]:
            approx = key in net.approximate and value == net.counts[key]
            net.counts = {(asset if k == key else k): (value if k == key else v) for k, v in net.counts.items()}
            net.approximate = [a for a in net.approximate if a != key] + ([asset] if approx else [])
        plain = list(h.checks)
        d.count_checks[asset] = checks if len(checks) <= len(plain) else plain
        if value != h.value:
            d.count_checks[asset] = [*d.count_checks[asset], "restated with a different figure"]
    for h in group:
        if all(h is not m for m, _ in matched) and h.asset not in net.counts:
            net.counts[h.asset] = h.value
            d.count_checks[h.asset] = list(h.checks)
            if h.approximate:
                net.approximate.append(h.asset)
    if s.text not in net.evidence:
        net.evidence.append(s.text)
    d.last_paragraph = max(d.last_paragraph, s.paragraph)
    d.last_sentence = max(d.last_sentence, index)
    d.count_checks = {k: v for k, v in d.count_checks.items() if v}


def _add_counts(
    facts: Facts, drafts: list[_Draft], s: Sentence, index: int, hits: list[Hit], seen_pairs: set[tuple[str, int]]
) -> _Draft | None:
    """Record one sentence's hits; returns the network they speak of (None when only totals)."""
    if (
        not drafts
        and not facts.totals
        and not facts.several
        and len({h.asset for h in hits}) >= 2
        and all(h.is_total and not h.spanning for h in hits)
    ):
        # "Meta removed a total of 183 Facebook accounts, 42 Pages and 16 Instagram accounts" opening a
        # retelling: its network
        hits = [replace(h, is_total=False) for h in hits]
    if len(hits) >= 2 and all(h.is_total for h in hits):
        # "In total, we removed 312 Facebook accounts and 27 Pages" restating the lead's network is that network
        restated = _restated_in(hits, drafts)
        if restated is not None and len(restated[1]) == len(hits):
            _merge_restatement(restated[0], restated[1], hits, s, index)
            seen_pairs |= {(h.asset, h.value) for h in hits} | set(restated[0].network.counts.items())
            return restated[0]
    # a second, different total of one type is a network's own ("A total of 104 accounts were suspended")
    totals = [h for h in hits if h.is_total and facts.totals.get(h.asset, h.value) == h.value]
    network_hits = [h for h in hits if h not in totals]
    for h in totals:
        if h.asset not in facts.totals:
            facts.totals[h.asset] = h.value
            if h.approximate:
                facts.totals_approximate.append(h.asset)
            if h.checks:
                facts.totals_checks[h.asset] = list(h.checks)
            if s.text not in facts.totals_evidence:
                facts.totals_evidence.append(s.text)
        seen_pairs.add((h.asset, h.value))
        # a headline or lead that gave the same number before it was called a total was the total too
        for d in [
            d
            for d in drafts
            if len(d.network.counts) == 1 and _same_count(h, *next(iter(d.network.counts.items())), False)
        ]:
            if d.network.counts.get(h.asset) == h.value and not d.network.followers and d.network.ad_spend_usd is None:
                drafts.remove(d)
                facts.totals_evidence[:0] = [e for e in d.network.evidence if e not in facts.totals_evidence]
    touched: _Draft | None = None
    fresh = [h for h in network_hits if (h.asset, h.value) not in seen_pairs]
    if not fresh:
        # a restatement of counts already recorded: the text is speaking of that network again
        for d in reversed(drafts):
            if network_hits and all((h.asset, h.value) in d.network.counts.items() for h in network_hits):
                d.last_paragraph = max(d.last_paragraph, s.paragraph)
                d.last_sentence = max(d.last_sentence, index)
                return d
        return None
    groups = _groups(network_hits)
    first_total = min((h.start for h in totals), default=None)
    for n, group in enumerate(groups):
        pairs = {(h.asset, h.value) for h in group}
        if pairs <= seen_pairs:
            continue
        restated = _restated_in(group, drafts)
        if restated is not None:  # the lead and the body, a quote and its summary: one network
            d, matched = restated
            _merge_restatement(d, matched, group, s, index)
            seen_pairs |= pairs | set(d.network.counts.items())
            touched = d
            continue
        seen_pairs |= pairs
        current = drafts[-1] if drafts else None
        new_types = {h.asset for h in group}
        extend = (
            n == 0
            and current is not None
            and not new_types & set(current.network.counts)
            and (
                current.last_paragraph == s.paragraph
                # "we removed 265 accounts, Pages and Groups" then the breakdown: one network
                or (set(current.network.counts) == {"total_assets"} and s.paragraph - current.last_paragraph <= 2)
            )
        )
        if not extend:
            current = _Draft(Network(), s.paragraph, s.paragraph, index, index)
            drafts.append(current)
        assert current is not None
        for h in group:
            if h.asset not in current.network.counts:
                current.network.counts[h.asset] = h.value
                if h.checks:
                    current.count_checks[h.asset] = list(h.checks)
            if h.approximate and h.asset not in current.network.approximate:
                current.network.approximate.append(h.asset)
        if s.text not in current.network.evidence:
            current.network.evidence.append(s.text)
        after_total = first_total is not None and first_total < group[0].start
        if len(groups) > 1 or after_total:
            # "564 accounts in four countries: 212 from Egypt, ...": each part owns only its own words, from the
            # clause that introduces it ("..., while in Peru the company removed 40 accounts")
            clip_start = (
                _clause_start(s.text, groups[n - 1][-1].start if n else (first_total or 0), group[0].start)
                if (n or after_total)
                else 0
            )
            clip_end = (
                _clause_start(s.text, group[-1].start, groups[n + 1][0].start) if n + 1 < len(groups) else len(s.text)
            )
            current.clips[index] = (clip_start, clip_end)
        current.last_paragraph = s.paragraph
        current.last_sentence = index
        touched = current
    return touched


TITLE_CHECK = "from the title or lead, not the network's own text"
ELSEWHERE_CHECK = "from elsewhere in the document"
TITLE = "from the title (the text's only network)"
LEAD = "from the lead (the text's only network)"
NOTHING_COUNTED = "from the title or lead; no network of the text is counted"
# Provenances marked "check", per field, chosen on the tune half only (bench/realtext/score.py prints right/wrong per
# provenance and per fold of tune): an origin provenance wrong in at least 40% of its uses, in each fold where it occurs
# (docs/realtext.md, row 6). The target provenances have no such evidence (too few uses); their marks stay as before.
CHECKED_PROVENANCES = {
    "origin": frozenset(
        {KNOWN_OPERATOR_CHECK, SUBJECT_CHECK, HEADING_CHECK, TITLE_CHECK, ELSEWHERE_CHECK, NOTHING_COUNTED}
    ),
    "targets": frozenset({NEXT_SENTENCE_CHECK, TITLE_CHECK, ELSEWHERE_CHECK}),
}


_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+(?:while|whereas)\s+")


def _clause_start(text: str, after: int, before: int) -> int:
    """Where the clause holding position `before` starts, not before `after`: the last comma, semicolon or
    "while" between them, else `before` itself."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, after, before)]
    return breaks[-1] if breaks else before


def _assign_places(facts: Facts, drafts: list[_Draft], doc_sentences: list[Sentence], title: str | None) -> None:
    """Origin and targets per network: its own span of sentences first, then the title (and lead, for one network).

    A network's span runs from its first count (or the heading or label just above it)
    to the next network's first count, so a description that follows a network's
    numbers is its own and never its neighbour's. In a document sectioned by headings
    (one per network), the first network's span starts at its own heading too, so
    the lead's "two networks from Russia and Ukraine" is not its origin.
    """
    lead = " ".join(s.text for s in doc_sentences if s.paragraph <= 1)
    title_origin = origin_checks(title or "")
    title_targets = target_checks(title or "", list(title_origin))
    # a known operator's name keeps its own provenance; any other place of the title or lead is the title's or lead's
    doc_origin = {c: how if how == KNOWN_OPERATOR_CHECK else TITLE for c, how in title_origin.items()} or {
        c: how if how == KNOWN_OPERATOR_CHECK else LEAD for c, how in origin_checks(lead).items()
    }
    doc_targets = dict.fromkeys(title_targets, TITLE) or dict.fromkeys(target_checks(lead, list(doc_origin)), LEAD)
    if not drafts:
        if doc_origin or doc_targets:
            facts.networks.append(Network(origin=list(doc_origin), targets=list(doc_targets)))
            _set_place_confidence(
                facts.networks[-1],
                dict.fromkeys(doc_origin, NOTHING_COUNTED),
                dict.fromkeys(doc_targets, NOTHING_COUNTED),
            )
        return
    starts = [
        _span_start(d.first_sentence, doc_sentences, drafts[i - 1].last_sentence if i else -1)
        for i, d in enumerate(drafts)
    ]
    if len(drafts) > 1 and doc_sentences[starts[1]].kind == "heading" and starts[1] < drafts[1].first_sentence:
        starts[0] = _section_start(drafts[0].first_sentence, doc_sentences)
    for i, d in enumerate(drafts):
        if i + 1 < len(drafts):
            end = max(starts[i + 1], d.last_sentence + 1)
        else:  # the last network's description follows it closely; background further down is not about it
            end = next(
                (
                    j
                    for j in range(d.last_sentence + 1, len(doc_sentences))
                    if doc_sentences[j].paragraph > d.last_paragraph + TRAILING_PARAGRAPHS
                ),
                len(doc_sentences),
            )
        span = doc_sentences[starts[i] : end]
        texts = [_owned_text(j, s.text, d, drafts) for j, s in enumerate(span, starts[i])]
        own_origin = span_origin_checks(texts, [s.kind for s in span])
        own_targets = target_checks(" ".join(texts), list(own_origin))
        lead_in = d.first_sentence - starts[i]
        if len(drafts) > 1 and lead_in > 0:
            # a lead that lists every network's country ("from Russia, Ukraine, Thailand and Honduras") comes before
            # the first network's counts: what the network's own sentences say wins
            counted = span_origin_checks(texts[lead_in:], [s.kind for s in span[lead_in:]])
            if counted:
                own_origin = counted
                own_targets = target_checks(" ".join(texts[lead_in:]), list(own_origin)) or own_targets
        if len(drafts) == 1:
            whole = " ".join(s.text for s in doc_sentences)
            rest_origin = own_origin or {c: ELSEWHERE_CHECK for c in origin_checks(whole)}
            origin = {**doc_origin, **{c: k for c, k in rest_origin.items() if c in own_origin or c not in doc_origin}}
            rest_targets = own_targets or {
                c: ELSEWHERE_CHECK for c in target_checks(whole, list(origin), domestic=False)
            }
            found_targets = {
                **doc_targets,
                **{c: k for c, k in rest_targets.items() if c in own_targets or c not in doc_targets},
            }
        else:
            # a title naming several countries names every network's: it is no one network's origin
            origin = own_origin or ({c: TITLE_CHECK for c in title_origin} if len(title_origin) == 1 else {})
            found_targets = own_targets or {c: TITLE_CHECK for c in title_targets}
        d.network.origin = list(origin)
        d.network.targets = list(found_targets)
        _set_place_confidence(d.network, origin, found_targets)
        _set_count_confidence(d)


def _set_place_confidence(network: Network, origin: dict[str, str], found_targets: dict[str, str]) -> None:
    """Each place's provenance, and "check" on those whose provenance is in CHECKED_PROVENANCES."""
    for field_name, found in (("origin", origin), ("targets", found_targets)):
        if found:
            network.found_by[field_name] = dict(found)
            checked = CHECKED_PROVENANCES[field_name]
            network.confidence[field_name] = {c: CHECK if how in checked else HIGH for c, how in found.items()}
            reasons = {c: [how] for c, how in found.items() if how in checked}
            if reasons:
                network.checks[field_name] = reasons


def _set_count_confidence(d: _Draft) -> None:
    net = d.network
    if net.counts:
        net.confidence["counts"] = {k: CHECK if d.count_checks.get(k) else HIGH for k in net.counts}
        reasons = {k: d.count_checks[k] for k in net.counts if d.count_checks.get(k)}
        if reasons:
            net.checks["counts"] = reasons
    if net.followers:
        far = d.follower_checks
        net.confidence["followers"] = {k: CHECK if far.get(k) else HIGH for k in net.followers}
        if any(far.get(k) for k in net.followers):
            net.checks["followers"] = {k: far[k] for k in net.followers if far.get(k)}


def _set_totals_confidence(facts: Facts) -> None:
    facts.totals_confidence = {k: CHECK if facts.totals_checks.get(k) else HIGH for k in facts.totals}


_SHARED_TAIL = re.compile(
    r"\b(?:both|all(?:\s+of\s+them)?|each|the\s+(?:two|three|four)\s+(?:networks|operations))\s+(?:\w+\s+){0,2}?"
    r"(?:aimed|target(?:ed|ing)|directed|focused|run|operated|linked|tied|based)\b[^.]*",
    re.IGNORECASE,
)


def _owned_text(index: int, text: str, draft: _Draft, drafts: list[_Draft]) -> str:
    """The part of sentence `index` that speaks of `draft` ("640 channels tied to Russia, and 63
    linked to Azerbaijan")."""
    if index in draft.clips:
        a, b = draft.clips[index]
        shared = _SHARED_TAIL.search(text)  # "..., both aimed at Qatar": said of every network of the sentence
        return text[a:b] + (" " + text[shared.start() :] if shared and shared.start() >= b else "")
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
    while (
        start - 1 > previous_last
        and doc_sentences[first].kind == "item"
        and doc_sentences[start - 1].paragraph == doc_sentences[first].paragraph
    ):
        start -= (
            1  # a list item is one network's from its label on: "Iran: ... operating from Iran. A total of 100 ..."
        )
    if doc_sentences[first].kind == "item" and start - 1 > previous_last and doc_sentences[start - 1].kind == "text":
        paragraph = doc_sentences[start - 1].paragraph
        while start - 1 > previous_last and doc_sentences[start - 1].paragraph == paragraph:
            start -= 1
    return start


def _section_start(first: int, doc_sentences: list[Sentence]) -> int:
    """The heading that opens the section holding sentence `first` (and the headings right above it), or 0."""
    j = first - 1
    while j > 0 and doc_sentences[j].kind != "heading":
        j -= 1
    if j <= 0:
        return 0
    while j - 1 > 0 and doc_sentences[j - 1].kind == "heading":
        j -= 1
    return j
