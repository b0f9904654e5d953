"""Country names, short forms and demonyms -> one normalised name (pycountry based).

Names come out as short common names: "Russia", "Iran", "United States", "United
Kingdom", "Moldova", not ISO's "Russian Federation". Matching and storage use
these; DISARM's cells use `house_style`, the forms DISARM's curators write.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# ISO names that curators never write.
_RENAME = {
    "Russian Federation": "Russia",
    "Iran, Islamic Republic of": "Iran",
    "Korea, Republic of": "South Korea",
    "Korea, Democratic People's Republic of": "North Korea",
    "Syrian Arab Republic": "Syria",
    "Venezuela, Bolivarian Republic of": "Venezuela",
    "Viet Nam": "Vietnam",
    "Lao People's Democratic Republic": "Laos",
    "Taiwan, Province of China": "Taiwan",
    "Tanzania, United Republic of": "Tanzania",
    "Moldova, Republic of": "Moldova",
    "Bolivia, Plurinational State of": "Bolivia",
    "Palestine, State of": "Palestine",
    "Congo, The Democratic Republic of the": "Democratic Republic of the Congo",
    "Türkiye": "Turkey",
    "Brunei Darussalam": "Brunei",
    "Micronesia, Federated States of": "Micronesia",
    "Czechia": "Czech Republic",
    "Holy See (Vatican City State)": "Vatican City",
}

_ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "united states of america": "United States",
    "the united states": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "england": "United Kingdom",
    "scotland": "United Kingdom",
    "prc": "China",
    "people's republic of china": "China",
    "mainland china": "China",
    "ivory coast": "Côte d'Ivoire",
    "cote d'ivoire": "Côte d'Ivoire",
    "drc": "Democratic Republic of the Congo",
    "dr congo": "Democratic Republic of the Congo",
    "democratic republic of congo": "Democratic Republic of the Congo",
    "uae": "United Arab Emirates",
    "emirates": "United Arab Emirates",
    "burma": "Myanmar",
    "south korea": "South Korea",
    "north korea": "North Korea",
    "holland": "Netherlands",
    "macedonia": "North Macedonia",
    "swaziland": "Eswatini",
    "russia": "Russia",
    "iran": "Iran",
    "syria": "Syria",
    "turkey": "Turkey",
    "czech republic": "Czech Republic",
    "vietnam": "Vietnam",
    "laos": "Laos",
    "moldova": "Moldova",
    "taiwan": "Taiwan",
    "venezuela": "Venezuela",
    "bolivia": "Bolivia",
    "tanzania": "Tanzania",
    "palestine": "Palestine",
    "gaza": "Palestine",
    "west bank": "Palestine",
    "kosovo": "Kosovo",
    "crimea": "Ukraine",
}

_DEMONYMS = {
    "american": "United States",
    "british": "United Kingdom",
    "russian": "Russia",
    "iranian": "Iran",
    "chinese": "China",
    "polish": "Poland",
    "french": "France",
    "israeli": "Israel",
    "indian": "India",
    "moldovan": "Moldova",
    "ukrainian": "Ukraine",
    "belarusian": "Belarus",
    "german": "Germany",
    "italian": "Italy",
    "spanish": "Spain",
    "turkish": "Turkey",
    "egyptian": "Egypt",
    "saudi": "Saudi Arabia",
    "emirati": "United Arab Emirates",
    "pakistani": "Pakistan",
    "bangladeshi": "Bangladesh",
    "nigerian": "Nigeria",
    "ghanaian": "Ghana",
    "kenyan": "Kenya",
    "ethiopian": "Ethiopia",
    "sudanese": "Sudan",
    "libyan": "Libya",
    "tunisian": "Tunisia",
    "algerian": "Algeria",
    "moroccan": "Morocco",
    "malian": "Mali",
    "brazilian": "Brazil",
    "mexican": "Mexico",
    "venezuelan": "Venezuela",
    "colombian": "Colombia",
    "cuban": "Cuba",
    "argentine": "Argentina",
    "argentinian": "Argentina",
    "peruvian": "Peru",
    "chilean": "Chile",
    "bolivian": "Bolivia",
    "ecuadorian": "Ecuador",
    "honduran": "Honduras",
    "salvadoran": "El Salvador",
    "guatemalan": "Guatemala",
    "nicaraguan": "Nicaragua",
    "georgian": "Georgia",
    "armenian": "Armenia",
    "azerbaijani": "Azerbaijan",
    "kazakh": "Kazakhstan",
    "uzbek": "Uzbekistan",
    "afghan": "Afghanistan",
    "iraqi": "Iraq",
    "syrian": "Syria",
    "lebanese": "Lebanon",
    "jordanian": "Jordan",
    "palestinian": "Palestine",
    "qatari": "Qatar",
    "yemeni": "Yemen",
    "omani": "Oman",
    "kuwaiti": "Kuwait",
    "bahraini": "Bahrain",
    "thai": "Thailand",
    "vietnamese": "Vietnam",
    "filipino": "Philippines",
    "philippine": "Philippines",
    "indonesian": "Indonesia",
    "malaysian": "Malaysia",
    "burmese": "Myanmar",
    "cambodian": "Cambodia",
    "japanese": "Japan",
    "taiwanese": "Taiwan",
    "australian": "Australia",
    "canadian": "Canada",
    "irish": "Ireland",
    "dutch": "Netherlands",
    "belgian": "Belgium",
    "swiss": "Switzerland",
    "austrian": "Austria",
    "swedish": "Sweden",
    "norwegian": "Norway",
    "danish": "Denmark",
    "finnish": "Finland",
    "estonian": "Estonia",
    "latvian": "Latvia",
    "lithuanian": "Lithuania",
    "czech": "Czech Republic",
    "slovak": "Slovakia",
    "hungarian": "Hungary",
    "romanian": "Romania",
    "bulgarian": "Bulgaria",
    "serbian": "Serbia",
    "croatian": "Croatia",
    "bosnian": "Bosnia and Herzegovina",
    "albanian": "Albania",
    "greek": "Greece",
    "cypriot": "Cyprus",
    "montenegrin": "Montenegro",
    "slovenian": "Slovenia",
    "portuguese": "Portugal",
    "sri lankan": "Sri Lanka",
    "nepali": "Nepal",
    "nepalese": "Nepal",
    "somali": "Somalia",
    "cameroonian": "Cameroon",
    "senegalese": "Senegal",
    "ivorian": "Côte d'Ivoire",
    "zimbabwean": "Zimbabwe",
    "south african": "South Africa",
    "mozambican": "Mozambique",
    "angolan": "Angola",
    "ugandan": "Uganda",
    "rwandan": "Rwanda",
    "tanzanian": "Tanzania",
    "burkinabe": "Burkina Faso",
    "gabonese": "Gabon",
    "beninese": "Benin",
    "togolese": "Togo",
    "haitian": "Haiti",
    "jamaican": "Jamaica",
    "north korean": "North Korea",
    "south korean": "South Korea",
    "kyrgyz": "Kyrgyzstan",
    "tajik": "Tajikistan",
    "turkmen": "Turkmenistan",
    "mongolian": "Mongolia",
    "new zealand": "New Zealand",
    "singaporean": "Singapore",
    "lao": "Laos",
    "laotian": "Laos",
    "khmer": "Cambodia",
    "malagasy": "Madagascar",
    "chadian": "Chad",
    "nigerien": "Niger",
}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        canonical = _RENAME.get(c.name, getattr(c, "common_name", None) or c.name)
        canonical = _RENAME.get(canonical, canonical)
        for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), canonical}:
            if n:
                names[n.lower()] = canonical
    names.update(_ALIASES)
    for name, canonical in _foreign_names().items():
        names.setdefault(name, canonical)
    return names


# Languages of the retellings the grammar reads (lexicon.FOREIGN_NOUNS): their country names come from CLDR
# through Babel ("Rusia", "Égypte", "Costa do Marfim", "Mesir"), with and without accents ("Egypte", "Benin").
FOREIGN_LANGUAGES = ("es", "fr", "pt", "id")
# CLDR names that are also common English words or given names
_FOREIGN_STOP = {"grenade", "maurice", "jersey", "salomon", "chine", "inde", "georgia", "samoa", "nauru", "man"}


@lru_cache(maxsize=1)
def _foreign_names() -> dict[str, str]:
    from babel import Locale

    english: dict[str, str] = {}
    for c in pycountry.countries:
        canonical = _RENAME.get(c.name, getattr(c, "common_name", None) or c.name)
        english[c.alpha_2] = _RENAME.get(canonical, canonical)
    out: dict[str, str] = {}
    for language in FOREIGN_LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code not in english:
                continue
            for form in {name, _unaccented(name)}:
                key = re.sub(r"\s+", " ", form.lower().replace("’", "'"))
                if len(key) > 3 and key not in _FOREIGN_STOP:
                    out.setdefault(key, english[code])
    return out


def _unaccented(name: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFD", name) if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=1)
def country_regex() -> re.Pattern[str]:
    words = sorted(set(_names()) | set(_DEMONYMS), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace("'", "['’]") for w in words if len(w) > 1)  # "Côte d’Ivoire"
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])", re.IGNORECASE)


def normalise(name: str, *, demonyms: bool = True) -> str | None:
    """The curator's name for a country name, alias or (optionally) demonym."""
    key = re.sub(r"\s+", " ", name.strip().lower()).replace("’", "'")
    if key in _names():
        if key in ("us", "uk") and not name.isupper():  # the pronoun "us", not the country
            return None
        return _names()[key]
    if demonyms and key in _DEMONYMS:
        return _DEMONYMS[key]
    return None


def closest(name: str) -> str | None:
    """The country whose name (or alias) is spelt most like `name`, for "did you mean" hints."""
    import difflib

    found = difflib.get_close_matches(re.sub(r"\s+", " ", name.strip().lower()), list(_names()), n=1, cutoff=0.6)
    return _names()[found[0]] if found else None


# Where DISARM's incidents (incidents.csv: attributions_seen, found_in_country) write a
# country otherwise than `normalise` does; tests/stubs/test_house_style.py derives these
# from DISARM's own rows, so the table cannot drift from the data.
HOUSE_STYLE = {"United States": "USA", "United Kingdom": "UK", "North Macedonia": "Macedonia"}


def house_style(name: str) -> str:
    """The form DISARM's curators write for a normalised country name."""
    return HOUSE_STYLE.get(name, name)


def is_demonym(name: str) -> bool:
    return name.strip().lower() in _DEMONYMS
