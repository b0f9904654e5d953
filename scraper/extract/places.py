"""Where a network came from and whom it targeted, from the phrases reports use.

Origin: "Iran-based network", "Belarus, Russia-Based", "originating in India",
"linked to Russia", "operated from China". Targets: "targeting Poland",
"targeting Polish audiences", "targeted the US and UK", "originating in and
targeting Moldova", "targeting domestic audiences" (the origin itself).
"""

from __future__ import annotations

import re

from .assets import NOUN_RE
from .countries import country_regex, is_demonym, normalise
from .lexicon import REGIONS, alternation

_ORIGIN_NOUNS = (
    r"network|networks|operation|operations|campaign|campaigns|cib|coordinated|influence|actors?|threat|activity|"
    r"group|troll|trolls|company|firm|marketing|pr|entities|entity|individuals|accounts|cluster|io|disinformation|"
    r"propaganda|persona|personas|hackers|apt|state|government"
)
_FILLER = {
    "the",
    "primarily",
    "mainly",
    "mostly",
    "largely",
    "predominantly",
    "particularly",
    "especially",
    "audiences",
    "audience",
    "users",
    "people",
    "public",
    "publics",
    "citizens",
    "in",
    "across",
    "both",
    "countries",
    "country",
    "including",
    "such",
    "as",
    "a",
    "an",
    "number",
    "of",
    "several",
    "multiple",
    "other",
    "parts",
    "and",
    "or",
    "well",
    ",",
    "&",
    "/",
    "primarily,",
    "its",
    "their",
    "neighboring",
    "neighbouring",
    "also",
    "nearby",
    "at",
    "diaspora",
    "communities",
    "community",
    "speakers",
    "speaking",
    "regions",
    "region",
    "within",
    "from",
    "inside",
    "to",
    "lesser",
    "extent",
    "extent,",
    "various",
    "many",
    "largely,",
    "like",
    "around",
    "notably",
    "chiefly",
    "mostly,",
    "mainly,",
    "specifically",
    "more",
    "readers",
    "voters",
    "viewers",
    "residents",
    "nationals",
    "targets",
    "target",
    "neighbours",
    "neighbors",
    "nations",
    "nation",
    "states",
    "following",
    "then",
    "even",
    "degree",
    "francophone",
    "anglophone",
    "lusophone",
    "some",
    "certain",
    "selected",
    "abroad",
    "societies",
    "society",
    "populations",
    "population",
    "electorate",
    "electorates",
    # "tied to a separate network in Thailand", "linked to campaigns in Iran"
    "network",
    "networks",
    "operation",
    "operations",
    "campaign",
    "campaigns",
    "separate",
    "single",
    "small",
    "wider",
    "larger",
    "individuals",  # "targeted individuals in Libya and Sudan"
    "kingdom",  # "operating out of several countries including the kingdom, Egypt and the UAE"
    "content",
    "globe",
    "world",  # "spread targeted content in ...", "targeted many regions around the globe including ..."
    # articles and joins of Spanish, French, Portuguese and Indonesian retellings ("visaient l'Éthiopie, le Soudan
    # et la Turquie", "dirigidas a los Estados Unidos y Canadá")
    "el",
    "la",
    "los",
    "las",
    "le",
    "les",
    "l'",
    "l’",
    "de",
    "du",
    "des",
    "d'",
    "d’",
    "y",
    "et",
    "e",
    "dan",
    "en",
    "au",
    "aux",
    "os",
    "no",
    "na",
    "nos",
    "nas",
    "di",
    "à",
    "al",
    # adverbs and list words of those languages: "visait principalement ..., et dans une moindre mesure ..."
    "principalement",
    "principalmente",
    "surtout",
    "notamment",
    "particulièrement",
    "particulier",
    "especialmente",
    "dans",
    "une",
    "moindre",
    "mesure",
    "menor",
    "medida",
    "incluant",
    "incluyendo",
    "incluindo",
    "como",
    "comme",
    "terutama",
    "termasuk",
}
_REGION_RE = re.compile(rf"(?:{alternation(REGIONS)})(?![\w-])", re.IGNORECASE)


def _countries_before(prefix: str) -> list[str]:
    """The run of country names that ends `prefix` ("Belarus, Russia" in "Belarus, Russia-based")."""
    at_end = re.compile(rf"(?:{country_regex().pattern})$", re.IGNORECASE)
    run: list[str] = []
    while True:
        m = at_end.search(prefix)
        name = normalise(m.group(0), demonyms=True) if m else None
        if not name or m is None:
            return run
        run.insert(0, name)
        rest = prefix[: m.start()]
        separator = re.search(r"\s*(?:,|\band\b|&|/)\s*$", rest)
        if not separator:
            return run
        prefix = rest[: separator.start()]


def _country_run(text: str, *, allow_demonyms: bool) -> list[str]:
    """Countries listed at the start of `text`, skipping filler words; stop at the first other word."""
    found: list[str] = []
    pos = 0
    regex = country_regex()
    while pos < len(text):
        rest = text[pos:]
        m = re.match(r"[\s,;&/\"“”‘’]+", rest)  # quote marks too: focusing “mainly on the US”
        if m:
            pos += m.end()
            continue
        lang = _LANGUAGE_GROUP.match(rest)
        if lang:  # "Tamil and Sinhala speakers in Sri Lanka", "Russian speakers in Latvia": languages, not places
            pos += lang.end()
            continue
        r = _REGION_RE.match(rest)
        if r:  # "Europe, more specifically Germany": regions are read through, never guessed
            pos += r.end()
            continue
        c = regex.match(rest)
        if c:
            name = normalise(c.group(0), demonyms=allow_demonyms)
            if name is None:
                break
            if name not in found:
                found.append(name)
            pos += c.end()
            continue
        elided = re.match(r"(?:l|d)['’](?=\w)", rest, re.IGNORECASE)  # "l'Éthiopie", "d'Égypte"
        if elided:
            pos += elided.end()
            continue
        w = re.match(r"[\w'’.-]+", rest)
        if w and w.group(0).lower().strip(".") in _FILLER and not w.group(0).endswith("."):
            pos += w.end()
            continue
        if w and w.group(0).lower() in (
            "domestic",
            "country's",
            "country’s",
            "nation's",
            "nation’s",
        ):  # "targeted the country's minority"
            found.append("<domestic>")
            pos += w.end()
            continue
        break
    return found


_LANGUAGE_GROUP = re.compile(
    r"[A-Z][\w]+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)[A-Z][\w]+)*(?:\s+|-)(?:speakers|speaking|language\s+(?:speakers|users|audiences?))\b"
)
_BASED_RE = re.compile(
    rf"-(?:based|linked|backed|run|sponsored|affiliated|origin|operated|controlled|aligned|tied|connected)\s+(?:[\w-]+\s+|,\s+){{0,3}}?(?:{_ORIGIN_NOUNS}|{NOUN_RE}|firms?|agenc(?:y|ies)|outlets?)\b",
    re.IGNORECASE,
)
_ORIGIN_TRIGGERS = re.compile(
    r"\b(?:originat(?:ed|ing|es)(?:\s+(?:primarily|mainly|mostly|largely|predominantly|principally|partly|chiefly))?\s+(?:in|from)(?:\s+within)?|(?:linked|tied|connected|attributed|traced|ties|links)\s+to(?:\s+(?:individuals|people|actors|entities|the\s+government|groups?)(?:\s+(?:in|of|from))?)?|"
    r"(?:run|ran|running|operated|operating|managed|coordinated|controlled)\s+(?:from|out\s+of|by\s+(?:individuals|people|actors)\s+in)|based\s+(?:(?:primarily|mainly|mostly|largely|predominantly|principally|partly|chiefly)\s+)?in|(?:network|operation|campaign|actor|operator|hacker|troll)s?\s+from|"
    # "the network involved operators in Russia and Libya"
    r"(?:actor|operator)s?\s+(?:based\s+)?in|"
    # "run by a Philippine marketing company", "behind it: the Iranian state" (a demonym or name right after "by")
    # (not "run by a Cameroon-based freelancer")
    r"(?:run|operated|managed|controlled|created|coordinated|orchestrated)\s+by(?:\s+(?:an?|the))?"
    r"(?=\s+(?-i:[A-Z])\w+(?![\w-]))|"
    # "backed by the Iranian government", "on behalf of Egypt's military", "associated with the Saudi state",
    # "emanating from Belarus", "with origins in Serbia", "a marketing firm in Poland"
    r"(?:backed|sponsored|funded|directed|commissioned)\s+by(?:\s+the)?|on\s+behalf\s+of(?:\s+the)?|(?:associated|affiliated)\s+with(?:\s+the)?|"
    r"(?:came|coming|emanat(?:ed|ing)|stemm(?:ed|ing))\s+from|with\s+(?:its\s+)?origins?\s+in|(?:located|headquartered)\s+in|"
    r"(?:firm|company|agency|contractor)\s+(?:in|from)|"
    # "a network of accounts, pages and groups in Ethiopia", "a troll factory in Ukraine"
    r"(?:network|troll\s+(?:factory|farm)|bot\s+farm)s?\s+(?:of\s+(?:[\w-]+,?\s+){1,6}?)?(?:(?:based|located)\s+)?in|"
    # "listed the presumed countries of origin as the US and the UK"
    r"countr(?:y|ies)\s+of\s+origin[\"”]?\s+(?:as|was|were|is|are|to\s+be)(?:\s+the)?|"
    # "a domestic-focused inauthentic activity in Honduras": a domestic operation's country is its origin
    r"\bdomestic(?:ally)?(?:[\s-](?:focused|oriented|facing|targeted))?(?:\s+[\w-]+){0,2}?\s+(?:network|operation|campaign|activity)\s+in|"
    # "targeted domestic audiences in Peru": a domestic operation's audience is in its own country
    r"\bdomestic\s+(?:audiences?|users|publics?|populations?|voters)\s+in|"
    # "operated by the government of Cuba", "linked to the military of Myanmar"
    r"(?:by|to|with|for)\s+the\s+(?:government|military|army|regime|ruling\s+party|security\s+services|intelligence\s+services)\s+(?:of|in)(?:\s+the)?|"
    # "traced the 88 accounts it removed to individuals in Togo"
    r"to\s+(?:individuals|entities|actors|operators)\s+(?:in|from|based\s+in)|"
    # "a government-linked operation in Uganda", "state-backed accounts in Cuba": that country's state
    r"(?:government|state|military|army|ruling[\s-]party|party)[\s-](?:linked|backed|run|sponsored|affiliated|controlled|aligned)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:network|operation|campaign|accounts|activity)s?\s+(?:in|from|of)|"
    # Spanish, French, Portuguese, Indonesian: "originadas en", "procedentes de", "con sede en", "vinculadas a",
    # "originaires d'", "basés en", "en provenance de", "liés à", "originada no", "baseada na", "berasal dari"
    r"(?:originad[oa]s?|originari[oa]s?|originaires?|originári[oa]s?|pris\s+naissance)\s+(?:en|de|d['’]|da|do|em|no|na|au|aux)|procedentes?\s+de|"
    r"con\s+sede\s+en|desde|(?:vinculad[oa]s?|ligad[oa]s?|relacionad[oa]s?)\s+(?:a|al|con|com|ao|à)|"
    r"bas[ée]e?s?\s+(?:en|au|aux|à)|en\s+provenance\s+d(?:e|u|es)?|li[ée]e?s?\s+(?:à|au|aux)|depuis|"
    r"baseada?s?\s+(?:em|no|na)|com\s+origem\s+(?:em|no|na)|berasal\s+dari|berbasis\s+di|terkait\s+dengan)\s*:?\s+",
    re.IGNORECASE,
)
_TARGET_TRIGGERS = re.compile(
    r"\b(?:targets?\s+(?:included|include|were|was|are|is|such\s+as)|target(?:ed|ing|s)?(?:\s+at)?|aimed\s+at|directed\s+at|focus(?:ed|ing)\s+[“\"]?(?:\w+\s+)?(?:on|in)|"
    r"more\s+specifically|audiences?\s+(?:in|across)|"
    # "dirigidas a", "visaient", "ciblant", "à destination de", "visando", "direcionadas ao", "menargetkan"
    r"dirigid[oa]s?\s+(?:a|al|hacia)|vis(?:ant|aient|ait|aient)|cibl(?:ant|aient|ait|ent|é|ée|és|ées)|à\s+destination\s+d(?:e|u|es)?|"
    r"visando|direcionad[oa]s?\s+(?:a|ao|à|para)|menargetkan|menyasar|primary\s+targets?\s+(?:was|were)|reached\s+(?:\w+\s+)?(?:in|across)|"
    r"(?:propaganda|disinformation|misinformation|campaigns?|messaging|narratives|attacks)\s+against|(?:geared|directed|tailored|intended|meant)\s+(?:toward|towards|for)|"
    # "sought to influence public opinion in Ghana", "to sway voters in Kenya", "influencing Russian audiences"
    r"(?:influenc(?:e|ed|ing)|sway(?:ed|ing)?|manipulat(?:e|ed|ing)|interfer(?:e|ed|ing)\s+(?:in|with)|meddl(?:e|ed|ing)\s+in)"
    # "influence operation from Iran" is an origin
    r"(?!\s+(?:operations?|campaigns?|networks?|activity|activities|efforts?|ops)\b)"
    r"(?=\s+(?:public\s+opinion|the\s+public|(?:the\s+)?(?:political\s+|public\s+)?(?:debates?|discourse|conversation)|politics|the\s+elections?|elections?|voters|opinion|audiences|users|people|(?-i:[A-Z])))"
    r"(?:\s+(?:public\s+opinion|the\s+public|(?:the\s+)?(?:political\s+|public\s+)?(?:debates?|discourse|conversation)|politics|the\s+elections?|elections?|voters|opinion)\s+(?:in|of))?)\s*:?\s+",
    re.IGNORECASE,
)
# "a Sudan-focused network", "Taiwan-targeted content"; "Kenya was the main target"
_TARGET_AFTER = re.compile(
    r"-(?:focused|targeted|targeting|facing)\b|\b(?:was|were)\s+(?:the\s+|a\s+)?(?:main\s+|primary\s+|principal\s+|chief\s+|key\s+)?target(?:ed)?\b"
)
# "the US was the country of origin": the name before the phrase
_ORIGIN_AFTER = re.compile(
    r"\b(?:was|were|is|are|as)\s+[\"“]?(?:the\s+)?[\"“]?(?:presumed\s+|presumptive\s+|likely\s+|main\s+)?countr(?:y|ies)\s+of\s+origin",
    re.IGNORECASE,
)
# "the Georgia operation", "a DR Congo misinformation network": a country's name used as the operator's
_NAMED_OPERATION = re.compile(
    r"\s+(?:(?:influence|disinformation|misinformation|troll|propaganda|bot|spam|inauthentic)\s+)?(?:network|operation)s?\b"
)
_AIMED_BEFORE = re.compile(
    r"\b(?:against|targeting|on|about|at|toward|towards|into|over)\s+(?:the\s+|an?\s+)?$", re.IGNORECASE
)
_ORIGIN_AND_TARGET = re.compile(r"\boriginat(?:ed|ing)\s+in\s+and\s+target(?:ed|ing)\s+", re.IGNORECASE)


# Well-known operators whose country reports name only by the operator.
KNOWN_OPERATORS = {
    "internet research agency": "Russia",
    "doppelganger": "Russia",
    "secondary infektion": "Russia",
    "spamouflage": "China",
    "dragonbridge": "China",
    "endless mayfly": "Iran",
    "iuvm": "Iran",
    "islamic revolutionary guard corps": "Iran",
    "irgc": "Iran",
    "ghostwriter": "Belarus",
}
_OPERATOR_RE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in KNOWN_OPERATORS) + r")\b", re.IGNORECASE)


_LANGUAGE_AFTER = re.compile(r"\s+(?:language|speaking|speakers)\b", re.IGNORECASE)


# How each origin or target was found (its provenance). A Network records one per place (`found_by`);
# the ones in CHECKED_PROVENANCES are marked "check", chosen from the tune half's right/wrong per provenance
# (bench/realtext/score.py prints it; docs/realtext.md has the numbers).
ORIGIN_AND_TARGET = "an 'originating in and targeting' phrase"
BASED = "an 'X-based' phrase"
ORIGIN_PHRASE = "an origin phrase ('linked to', 'operated from', ...)"
ORIGIN_AFTER = "a 'country of origin' phrase"
NAMED_OPERATION = "a country's name on the network ('the X operation')"
KNOWN_OPERATOR_CHECK = "from a known operator's name"
# "networks from Russia, Ukraine, Thailand and Honduras": one phrase naming several origins is often several networks'
ORIGIN_LIST = "one origin phrase naming three or more countries"
LIST_LENGTH = 3
LABEL = "a list label or leading place ('Iran:', 'In Peru,')"
ASSETS_IN_PLACE = "assets in or from a country ('76 channels in Brazil')"
DEMONYM = "a demonym on the assets or network ('Iranian accounts')"
SUBJECT_CHECK = "a country named in the counts' sentence, no origin phrase"
HEADING_CHECK = "from the section heading above the counts"
TARGET_PHRASE = "a target phrase ('targeting X')"
TARGET_AFTER = "an 'X-focused' or 'X audiences were targeted' phrase"
NEXT_SENTENCE_CHECK = "named in the sentence after the target phrase"
DOMESTIC = "a domestic operation: the target is the origin"


# the families of origin phrases, by the trigger's first words (first match wins)
_ORIGIN_FAMILIES = (
    (
        r"(?:originat|originad|originari|originaire|originári|pris\s|procedente|com\s+origem|berasal|en\s+provenance|"
        r"came|coming|emanat|stemm|with\s)",
        "originating in / coming from",
    ),
    (
        r"(?:linked|tied|connected|ties|links|vinculad|ligad|relacionad|li[ée]|terkait|associated|affiliated)",
        "linked to",
    ),
    (r"(?:attributed|traced|to\s)", "attributed or traced to"),
    (r"(?:run|ran|running|operated|operating|managed|coordinated|controlled|created|orchestrated)\s+by", "run by"),
    (r"(?:run|ran|running|operated|operating|managed|coordinated|controlled)", "run from"),
    (r"(?:backed|sponsored|funded|directed|commissioned|on\s)", "backed by"),
    (r"(?:based|located|headquartered|con\s+sede|bas|berbasis)", "based in"),
    (r"(?:desde|depuis)", "desde / depuis"),
    (r"(?:countr)", "country of origin"),
    (r"(?:domestic)", "a domestic operation in"),
    (r"(?:by|with|for)\s+the", "the government of"),
    (r"(?:government|state|military|army|ruling|party)", "a state-linked network in"),
    (r"(?:actor|operator)", "actors in"),
    (r"(?:network|operation|campaign|hacker|troll|bot|firm|company|agency|contractor)", "a network or firm in / from"),
)


def _origin_phrase(trigger: str) -> str:
    """The provenance of an origin phrase: "an origin phrase (<family>)"."""
    for pattern, family in _ORIGIN_FAMILIES:
        if re.match(pattern, trigger, re.IGNORECASE):
            return f"an origin phrase ({family})"
    return ORIGIN_PHRASE


def origins(text: str) -> list[str]:
    return list(origin_checks(text))


def origin_checks(text: str) -> dict[str, str]:
    """Stated origins in order, each with how it was found (its provenance)."""
    found: dict[str, str] = {}

    def add(names: list[str], how: str) -> None:
        names = [n for n in names if n != "<domestic>"]
        for n in names:
            found.setdefault(n, ORIGIN_LIST if len(names) >= LIST_LENGTH else how)

    for m in _ORIGIN_AND_TARGET.finditer(text):
        add(_country_run(text[m.end() :], allow_demonyms=False), ORIGIN_AND_TARGET)
    for m in _BASED_RE.finditer(text):
        if not _LANGUAGE_AFTER.match(text, m.end()):
            add(_countries_before(text[max(0, m.start() - 120) : m.start()]), BASED)
    for m in _ORIGIN_TRIGGERS.finditer(text):
        add(_country_run(text[m.end() :], allow_demonyms=True), _origin_phrase(m.group(0)))
    lowered = text.lower()
    if "origin" in lowered:  # cheap gate
        for m in _ORIGIN_AFTER.finditer(text):
            add(_countries_before(text[max(0, m.start() - 120) : m.start()].rstrip(' "“”')), ORIGIN_AFTER)
    if "network" in lowered or "operation" in lowered:  # cheap gate
        regex = country_regex()
        for c in regex.finditer(text):
            names = [normalise(c.group(0), demonyms=False)]
            end = c.end()
            pair = regex.match(text[end + 1 : end + 60]) if text[end : end + 1] == "-" else None
            if pair:  # "the Vietnam-US network"
                names.append(normalise(pair.group(0), demonyms=False))
                end += 1 + pair.end()
            if all(names) and _NAMED_OPERATION.match(text, end) and not _AIMED_BEFORE.search(text, 0, c.start()):
                add([n for n in names if n], NAMED_OPERATION)
    if not found:
        add([KNOWN_OPERATORS[m.group(0).lower()] for m in _OPERATOR_RE.finditer(text)], KNOWN_OPERATOR_CHECK)
    return found


def targets(text: str, origin: list[str]) -> list[str]:
    return list(target_checks(text, origin))


# "The campaign targeted audiences in four countries. These included Chad, Niger and Mali.": named a sentence later
_TARGETS_NEXT = re.compile(
    r"[^.]{0,80}?\.\s+(?:These|Those|They|The\s+(?:countries|audiences|targets|target\s+countries)|Its\s+targets|Targets)\b"
    r"(?:\s+(?:countries|audiences))?\s+(?:were|included|include|are|was|comprised|spanned|being)\s*:?\s+",
    re.IGNORECASE,
)
# "a domestic influence operation", "aimed domestically": the origin is the target
_DOMESTIC = re.compile(
    r"\bdomestic(?:ally)?\s+(?:[\w-]+\s+){0,2}?(?:audiences?|users|public|population|operation|campaign|network|activity|focus)\b"
    r"|\b(?:focused|aimed|directed|targeted|run|operated|based)\s+domestically\b"
    r"|\bdomestically[- ](?:focused|run|operated)\b"
    r"|\bdomestic-(?:focused|oriented|facing|targeted)\b"
    # "targeted local audiences", "ciblaient les populations locales", "dirigida al público nacional"
    r"|\blocal\s+(?:audiences?|users|population|public)\b"
    r"|\b(?:populations?|publics?|audiences?|audiencias?|usuarios|p[úu]blicos?|utilisateurs)\s+"
    r"(?:locales?|locais|nationa(?:l|ux)|nacional(?:es)?|dom[ée]stiques?|dom[ée]sticos?)\b",
    re.IGNORECASE,
)


def target_checks(text: str, origin: list[str], *, domestic: bool = True) -> dict[str, str]:
    """Targets in order, each with how it was found (its provenance).

    `domestic`: read "a domestic operation" as targeting the origin (not over a whole document's
    background, where it is often another network's)."""
    found: dict[str, str] = {}

    def add(names: list[str], how: str) -> None:
        for n in names:
            for name in origin if n == "<domestic>" else [n]:
                found.setdefault(name, DOMESTIC if n == "<domestic>" else how)

    for m in list(_ORIGIN_AND_TARGET.finditer(text)) + list(_TARGET_TRIGGERS.finditer(text)):
        run = _country_run(text[m.end() :], allow_demonyms=True)
        add(run, TARGET_PHRASE)
        if not run:
            later = _TARGETS_NEXT.match(text, m.end())
            if later:
                add(_country_run(text[later.end() :], allow_demonyms=True), NEXT_SENTENCE_CHECK)
    lowered = text.lower()
    if "target" in lowered or "-focused" in lowered or "-facing" in lowered:  # cheap gate
        for m in _TARGET_AFTER.finditer(text):
            add(_countries_before(text[max(0, m.start() - 120) : m.start()].rstrip()), TARGET_AFTER)
    if domestic and _DOMESTIC.search(text):
        add(origin, DOMESTIC)
    return found


_LABEL_PLACE = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s*)?(?P<label>[^:()]{2,80}?)\s*(?:(?:network|operation|campaign)\s*\d*\s*)?(?::|\()"
)
_LEADING_PLACE = re.compile(
    r"^\s*(?:In|From|En|Au|Aux|Desde|Na|No|Di)\s+(?P<label>[^,]{2,60}?),"
    # "while in Peru the company removed 40 accounts": a clause of its own, led by its place
    r"|^\s*(?:(?:while|whereas|and|but)\s+)?(?i:in)\s+(?P<clause>[A-Z][\w'’."
    r" -]{1,40}?)\s*,?\s+(?:the\s+(?:company|platform|firm)|it|they|we|[A-Z]\w+)\s+"
    r"(?:also\s+)?(?:removed|took|suspended|banned|terminated|deleted|disabled|closed|shut)"
)


def span_origins(texts: list[str], kinds: list[str]) -> list[str]:
    return list(span_origin_checks(texts, kinds))


def span_origin_checks(texts: list[str], kinds: list[str]) -> dict[str, str]:
    """A network's origin from its own sentences: stated origins, then how the text labels it.

    Labels are a heading or list label that names a country ("Iran: 238 accounts",
    "Russia (389 channels)", a "Myanmar" heading), a leading place ("In Uganda, 418
    accounts"), a demonym on the assets ("268 Tanzanian accounts"), and, in the
    sentence that gives the counts, a country named outside a target phrase ("With
    2,048 accounts, China had the most").
    """
    found = origin_checks(" ".join(texts))
    for text, kind in zip(texts, kinds, strict=True):
        for name, how in _label_countries(text, kind).items():
            if how != HEADING_CHECK or not found:
                found.setdefault(name, how)
    first = next((t for t in texts if re.search(r"\d", t)), texts[0] if texts else "")
    if found or not first or _REMOVAL_WORD.search(first):
        return found
    targeted = targets(first, [])
    subjects = [
        m for m in country_regex().finditer(_strip_targets(first)) if not _PREPOSITION_BEFORE.search(first[: m.start()])
    ]
    named = [normalise(m.group(0), demonyms=False) for m in subjects]
    return {c: SUBJECT_CHECK for c in dict.fromkeys(n for n in named if n) if c not in targeted}


_REMOVAL_WORD = re.compile(
    r"\b(?:remov|took\s+down|taken\s+down|terminat|suspend|bann|disabl|delet|deactivat|blocked|shut|closed|purged|dismantl|actioned)",
    re.IGNORECASE,
)


_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|as|in|about|on|to|against|for|at|into|toward|towards|over)\s+(?:the\s+)?$", re.IGNORECASE
)


def _label_countries(text: str, kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    m = _LABEL_PLACE.match(text) or _LEADING_PLACE.match(text)
    label = (m.group("label") or m.groupdict().get("clause") or "") if m else (text if kind == "heading" else "")
    if label:
        run = _country_run(label.strip(), allow_demonyms=False)
        for c in run:
            if c != "<domestic>":
                out.setdefault(c, HEADING_CHECK if kind == "heading" else LABEL)
    for a in _ASSETS_IN_PLACE.finditer(text):  # "76 YouTube channels in Brazil", "4,248 accounts from the UAE"
        for c in _country_run(text[a.end() :], allow_demonyms=False):
            if c != "<domestic>":
                out.setdefault(c, ASSETS_IN_PLACE)
    for d in _DEMONYM_ASSET.finditer(text):
        demonym = re.sub(r"^(?:The|A|An|This|That|Its|Their)\s+", "", d.group("demonym"))  # "The Iranian network"
        name = normalise(demonym, demonyms=True)
        if name and is_demonym(demonym):
            out.setdefault(name, DEMONYM)
    return out


def _strip_targets(text: str) -> str:
    m = _TARGET_TRIGGERS.search(text)
    return text[: m.start()] if m else text


# "76 YouTube channels in Brazil", and in an enumeration with the noun understood, "212 from Egypt", "and 4 to Iran"
_ASSETS_IN_PLACE = re.compile(
    rf"\d[\d,.]*\s+(?:(?:[\w-]+\s+){{0,2}}?(?:{NOUN_RE})\s+)?(?:in|from)\s+|\b\d[\d,.]*\s+(?:(?:linked|tied|attributed|connected)\s+)?to\s+(?-i:(?=[A-Z]))",
    re.IGNORECASE,
)
_DEMONYM_ASSET = re.compile(
    r"(?<!fake\s)(?<!inauthentic\s)(?<!bogus\s)(?<!phony\s)"  # "fake American accounts" pose as Americans
    r"\b(?P<demonym>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(?:(?:state|government|troll|bot)\s+)?"
    r"(?:Facebook\s+|Twitter\s+|Instagram\s+|YouTube\s+|TikTok\s+)?(?:accounts|pages|channels|profiles|handles|groups|networks?|"
    r"(?:influence\s+)?operations?|campaigns?|actors|operators|troll\s+farms?)\b"
)
