"""The takedown vocabulary as data: removal verbs, asset nouns, composition words, regions.

The grammar (`counts.py`, `places.py`) is built from these lists, so a new way of
saying "removed" or a new asset noun is one entry here, not a new rule. The phrasing
catalogue in docs/phrasing.md says which real-text phrasings each entry covers.
"""

from __future__ import annotations

import re

# Verb forms that say assets were taken off a platform, active or passive ("were
# suspended", "the 373 accounts ... were permanently suspended from"), as nouns ("the
# takedown of", "the removal of") or as participles ("2,000 banned accounts").
REMOVAL_VERBS = (
    r"remov(?:e|ed|es|ing|al)",
    r"(?:took|taken|takes?|taking)\s+(?:[\w,]+\s+){0,3}?down",
    r"takedowns?(?:\s+of)?",
    r"pulled(?:\s+down)?",
    r"actioned|action(?:ed)?\s+against|took\s+action",
    r"terminat(?:e|ed|es|ing|ion)",
    r"suspen(?:d|ded|ds|ding|sion)",
    r"bann(?:ed|ing)|bans?",
    r"disabl(?:e|ed|es|ing)",
    r"delet(?:e|ed|es|ing|ion)",
    r"deactivat(?:e|ed|es|ing|ion)",
    r"blocked",
    r"shut(?:s|ting)?\s+(?:\w+\s+){0,2}?down|shutter(?:ed|ing|s)?",
    r"closed|clos(?:ing|ure)\s+of",
    r"purg(?:e|ed|es|ing)",
    r"dismantl(?:e|ed|es|ing)",
    r"eliminat(?:ed|ing)|eradicat(?:ed|ing)",
    r"disrupt(?:ed|ing)",
    r"axed|nixed|culled|wiped|scrubbed",
    r"(?:knock(?:ed|s)?|tak(?:en|es?)|took)\s+(?:[\w,]+\s+){0,3}?offline",  # "took 5,350 accounts offline"
    # archive releases of removed accounts ("released the details of 320 accounts", "disclosed 1,450 accounts")
    r"releas(?:ed|es|ing)\s+(?:the\s+)?(?:details|data|information|archives?|datasets?|tweets)\s+(?:of|on|about|for|from)",
    r"(?:twitter|facebook|meta|tiktok|we|it|the\s+(?:company|platform|firm))\s+(?:has\s+|had\s+|also\s+|is\s+|are\s+)?disclos(?:ed|es|ing)",
    # Spanish, French, Portuguese, Indonesian: "eliminó", "a supprimé", "removeu", "menghapus"
    r"elimin(?:ó|a|ado|ados|ada|adas|aron|ou|aram)|cerr(?:ó|aron|ado|ados|adas)|suspend(?:ió|ieron|ido|idos|idas)|dio\s+de\s+baja|"
    r"supprim(?:é|ée|és|ées|e|er)|suppression|a\s+ferm[ée]|ferm[ée]s|"
    r"remov(?:eu|eram|idos|idas)|derrub(?:ou|aram|ados|adas)|exclu(?:iu|íram|ídos|ídas)|suspend(?:eu|eram)|"
    r"menghapus|dihapus|menutup|ditutup|menangguhkan|ditangguhkan|"
    # nominal: "la suspensión de 5.929 cuentas", "a remoção de 96 contas", "penghapusan 27 akun"
    r"suspensi[óo]n|eliminaci[óo]n|cierre|remo[çc][ãa]o|suspens[ãa]o|exclus[ãa]o|penghapusan|penangguhan",
)

# A platform's own covert-influence report states what it found, the removal being the report's
# subject: "We identified a network of 65 accounts operating from Togo." Read only when the
# publisher is the platform (`counts.count_hits(platform_report=True)`).
DISCOVERY_PHRASES = (
    r"(?:identified|uncovered|found|detected|discovered|investigated|assessed)\s+(?:an?\s+|the\s+|one\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:network|operation|cluster|campaign)s?\s+(?:of|comprising|consisting\s+of|made\s+up\s+of|with|that\s+(?:included|comprised|consisted\s+of))"
)

# Asset nouns -> the kind `assets.asset_type` maps with the platform named beside it.
# The main non-English languages of retellings, where their words are not English ones ("pages" is both).
FOREIGN_NOUNS = {
    "cuenta": "account",
    "cuentas": "account",
    "compte": "account",
    "comptes": "account",
    "conta": "account",
    "contas": "account",
    "akun": "account",
    "perfiles": "account",
    "perfis": "account",
    "página": "page",
    "páginas": "page",
    "paginas": "page",
    "halaman": "page",
    "grupo": "group",
    "grupos": "group",
    "groupe": "group",
    "groupes": "group",
    "canales": "channel",
    "canais": "channel",
    "chaînes": "channel",
    "kanal": "channel",
}
ASSET_NOUNS = {
    "account": "account",
    "accounts": "account",
    "profile": "account",
    "profiles": "account",
    "handle": "account",
    "handles": "account",
    "page": "page",
    "pages": "page",
    "group": "group",
    "groups": "group",
    "event": "event",
    "events": "event",
    "channel": "channel",
    "channels": "channel",
    "subreddit": "subreddit",
    "subreddits": "subreddit",
    "blog": "blog",
    "blogs": "blog",
    "developer": "developer",
    "developers": "developer",
    "domain": "domain",
    "domains": "domain",
    "website": "website",
    "websites": "website",
    "site": "website",
    "sites": "website",
    "asset": "asset",
    "assets": "asset",
    # Spanish, French, Portuguese, Indonesian retellings: "300 cuentas", "200 comptes Facebook", "29 contas", "50 akun"
    **FOREIGN_NOUNS,
}

# Words that state a network's make-up once a removal is known ("the first network had
# 93 Facebook profiles", "With 2,048 accounts, China had the most", "It comprised ...").
COMPOSITION_WORDS = (
    r"consist(?:ed|s|ing)\s+of|compris(?:ed|es|ing)|(?:was|were|is|are)\s+made\s+(?:up\s+)?of|made\s+up\s+of|"
    r"includ(?:ed|es|ing)|involv(?:ed|es|ing)|contain(?:ed|s|ing)|spann(?:ed|ing)|totall?(?:ed|ing)|number(?:ed|ing)|"
    r"accounted\s+for|account(?:s|ing)\s+for|represent(?:ed|s|ing)|"
    r"had|has|have|with|plus|along\s+with|as\s+well\s+as|"
    # French, Spanish, Portuguese: "comprenait 84 comptes", "incluía 40 cuentas", "compuesta por", "composé de"
    r"comprenai(?:t|ent)|compren(?:d|nent)|inclu(?:ait|aient|ía|ían|ye|yen|iu|íam)|compuest[ao]s?\s+por|compost[ao]s?\s+por|compos[ée]e?s?\s+de|"
    # "The Iranian network used 34 Facebook accounts", "the operators ran 12 Pages"
    r"used|using|ran|running|deployed|employed|relied\s+on|leveraged|maintained|operated"
)

# Verbs that say something was done to or by accounts other than removing them: counts
# next to them are not removals even in a takedown paragraph ("we reviewed 1,300 accounts").
NON_REMOVAL_VERBS = (
    r"review(?:ed|ing)?|analy[sz](?:ed|ing)|stud(?:ied|ying)|examin(?:ed|ing)|sampl(?:ed|ing)|flagg(?:ed|ing)|"
    r"collect(?:ed|ing)|track(?:ed|ing)|monitor(?:ed|ing)|observ(?:ed|ing)|creat(?:ed|ing)|post(?:ed|ing)|"
    r"publish(?:ed|ing)|shar(?:ed|ing)|follow(?:ed|ing)|lik(?:ed|ing)|join(?:ed|ing)|reach(?:ed|ing)|"
    r"restor(?:ed|ing)|reinstat(?:ed|ing)|return(?:ed|ing)|appeal(?:ed|ing)"
)

# What stands right after a count when the number is not a removed asset's count.
FOLLOW_WORDS = (
    r"(?:that\s+|who\s+)?(?:(?:had|have|has)\s+)?"
    r"(?:followed|follow|following|joined|were\s+members|liked|subscribed|interested|engaged(?!\s+in\b)|viewed|watched)"
)

# Report-wide totals: "in all", "across the four networks", "linked to campaigns in three countries".
TOTAL_MARKS = (
    r"a\s+total\s+of|in\s+total|total\s+number\s+of|altogether|all\s+told|in\s+all|combined\s+total|collectively"
)
# A count said to span several networks is a report total even inside a list item.
SPANNING_MARKS = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|multiple|distinct|separate|different|various)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:networks|operations|campaigns|takedowns|countries|governments)\b"
)

# Regions are named in targets but never guessed as countries ("targeted Europe, more
# specifically Germany"); a target list reads through them.
REGIONS = (
    "europe",
    "eastern europe",
    "western europe",
    "central europe",
    "the middle east",
    "middle east",
    "north africa",
    "africa",
    "sub-saharan africa",
    "west africa",
    "east africa",
    "southern africa",
    "central africa",
    "the sahel",
    "sahel",
    "latin america",
    "south america",
    "north america",
    "central america",
    "the caribbean",
    "caribbean",
    "the americas",
    "asia",
    "south asia",
    "southeast asia",
    "south-east asia",
    "south east asia",
    "east asia",
    "central asia",
    "asia pacific",
    "the asia-pacific",
    "the pacific",
    "the gulf",
    "gulf",
    "the gulf region",
    "the balkans",
    "balkans",
    "the caucasus",
    "caucasus",
    "the baltics",
    "baltics",
    "scandinavia",
    "the west",
    "mena",
    "the region",
    "the world",
    # the retellings' other languages ("visaient l'Afrique", "dirigidas a América Latina")
    "afrique",
    "áfrica",
    "europa",
    "amérique latine",
    "américa latina",
    "oriente medio",
    "moyen-orient",
    "médio oriente",
    "asie",
    "ásia",
)

MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# Cheap gates, checked as plain substrings of the lower-cased text before any regex runs:
# a count needs an asset word in its sentence, and a document with counts says something
# was removed (or has the platforms' table or total lines).
ASSET_STEMS = (
    "account",
    "profile",
    "handle",
    "page",
    "group",
    "event",
    "channel",
    "subreddit",
    "blog",
    "developer",
    "domain",
    "website",
    "site",
    "asset",
    "instagram",
    "facebook",
    "youtube",
    "twitter",
    "tiktok",
    "presence",
    "total",
    "cuenta",
    "compte",
    "contas",
    "akun",
    "página",
    "pagina",
    "halaman",
    "grupo",
    "groupe",
    "perfi",
    "canal",
    "chaîne",
)
TAKEDOWN_STEMS = (
    "remov",
    "took",
    "taken",
    "taking down",
    "take down",
    "takes down",
    "takedown",
    "pulled",
    "actioned",
    "action against",
    "terminat",
    "suspen",
    "bann",
    "ban ",
    "bans",
    "disabl",
    "delet",
    "deactivat",
    "blocked",
    "shut",
    "closed",
    "closing",
    "closure",
    "purg",
    "dismantl",
    "eliminat",
    "eradicat",
    "disrupt",
    "axed",
    "nixed",
    "culled",
    "wiped",
    "scrubbed",
    "offline",
    "presence on",
    "in network",
    "in the network",
    "total number",
    "releas",
    "disclos",
    "identified",
    "uncovered",
    "detected",
    "discovered",
    "elimin",
    "cerr",
    "suspend",
    "dio de baja",
    "supprim",
    "suppression",
    "ferm",
    "removeu",
    "removid",
    "derrub",
    "exclu",
    "hapus",
    "menutup",
    "ditutup",
    "tangguh",
    "eliminaci",
    "cierre",
    "remoç",
    "exclus",
)
# "The network consisted of 41 accounts" states a takedown's size without a removal verb.
COMPOSITION_STEMS = ("consist", "compris", "made up", "includ", "spann")
NETWORK_STEMS = ("network", "operation", "campaign", "cluster", "activity", "takedown", "dataset", "data set")


def mentions_any(lowered: str, stems: tuple[str, ...]) -> bool:
    """Whether any stem occurs in `lowered` (a lower-cased text): far cheaper than a regex alternation."""
    return any(stem in lowered for stem in stems)
