"""Numbers as reports write them: "2,784", "12.480", "41 306", "seven", "a", "two dozen", "1.3 million".

Thousands separators follow the writer's locale: a comma ("2,784"), a full stop
("12.480", "260.000": continental Europe and Latin America) or a space, no-break or
thin space ("41 306"). A full stop before exactly three digits and no scale word is a
separator; before one or two digits, or with a scale ("1.5 million", "1,5 millones"
style "1,5 million"), it is a decimal mark.

`NUMBER` is a regex fragment (named groups `qual` and `num`) and `parse_number`
turns its text into an int; a qualifier such as "about" or "more than" marks
the count approximate.
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
# Two to ten in the retellings' other languages (lexicon.FOREIGN_NOUNS): "siete cuentas", "trois pages", "dua akun".
# Not "un/une/uno/una/um/uma" (articles too), "sept" (September) or "lima" (Peru's capital).
FOREIGN_UNITS = {
    **dict.fromkeys(("dos", "deux", "dois", "duas", "dua"), 2),
    **dict.fromkeys(("tres", "três", "trois", "tiga"), 3),
    **dict.fromkeys(("cuatro", "quatre", "quatro", "empat"), 4),
    **dict.fromkeys(("cinco", "cinq"), 5),
    **dict.fromkeys(("seis", "enam"), 6),
    **dict.fromkeys(("siete", "sete", "tujuh"), 7),
    **dict.fromkeys(("ocho", "huit", "oito", "delapan"), 8),
    **dict.fromkeys(("nueve", "neuf", "nove", "sembilan"), 9),
    **dict.fromkeys(("diez", "dix", "dez", "sepuluh"), 10),
}
UNITS.update(FOREIGN_UNITS)
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

QUALIFIERS = (
    r"about|around|approximately|approx\.|roughly|nearly|almost|some|over|more\s+than|less\s+than|fewer\s+than|"
    r"at\s+least|at\s+most|up\s+to|close\s+to|just\s+over|just\s+under|well\s+over|in\s+excess\s+of|an\s+estimated|~"
)

_WORD = r"(?:" + "|".join(sorted(list(UNITS) + list(TENS), key=len, reverse=True)) + r")"
_WORD_NUMBER = rf"{_WORD}(?:[\s-]+{_WORD})?(?:\s+hundred(?:\s+(?:and\s+)?{_WORD}(?:[\s-]+{_WORD})?)?)?(?:\s+thousand)?"
_SCALE = r"(?:million|billion|thousand|mn|bn|[mk])\b"
# "23 mil canais", "2 millones de cuentas", "1,5 milhão", "3 juta akun", "40 ribu"
_FOREIGN_SCALE = r"(?:mil|millones|millón|milhões|milhão|millions|juta|ribu)\b"
FOREIGN_SCALES = {
    "mil": 1_000,
    "ribu": 1_000,
    "millones": 1_000_000,
    "millón": 1_000_000,
    "milhões": 1_000_000,
    "milhão": 1_000_000,
    "millions": 1_000_000,
    "juta": 1_000_000,
}
# Separators: "," or "." or a space (plain, no-break U+00A0, thin U+2009, narrow no-break U+202F).
SPACES = " \u00a0\u2009\u202f"
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?![\d])(?!\.\d)"
    rf"|\d{{1,3}}(?:\.\d{{3}})+(?![\d])(?!\.\d)(?!\s*{_SCALE})"
    rf"|\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?![\d])(?![.,]\d)"
    rf"|\d+,\d{{1,2}}(?=\s*(?:million|billion)\b)"
    r"|\d+(?:\.\d+)?"
)
DIGITS = _DIGITS
NUMBER = (
    rf"(?:(?P<qual>{QUALIFIERS})\s+)?"
    rf"(?P<num>(?:{_DIGITS})(?:\s*(?:million|billion|thousand|mn\b|bn\b|[mk]\b|{_FOREIGN_SCALE}(?:\s+de)?))?"
    rf"|(?:a|one|two|three|four|five|six)\s+dozen"
    rf"|{_WORD_NUMBER}(?:\s+(?:million|billion))?"
    rf"|an?\s+(?:million|billion)"  # "more than a million people"
    rf"|an?|single)"
)
NUMBER_RE = re.compile(rf"\b{NUMBER}\b", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """Value of a number phrase, or None when it is not one."""
    t = re.sub(r"\s+", " ", text.strip().lower()).replace("-", " ")
    if t in ("a", "an", "single"):
        return 1
    t = re.sub(r"(?<=\d) (?=\d{3}\b)", "", t)  # "41 306" (any space: `\s` above made it plain)
    t = re.sub(r"^an? (?=(?:million|billion)$)", "one ", t)  # "a million"
    t = re.sub(r"(?<=[a-zõã]) de$", "", t)  # "2 millones de (cuentas)"
    m = re.fullmatch(
        r"(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+,\d{1,2}|\d+(?:\.\d+)?)\s*"
        r"(million|billion|thousand|mn|bn|m|k|mil|millones|millón|milhões|milhão|millions|juta|ribu)?",
        t,
    )
    if m:
        digits = m.group(1)
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits) and not m.group(2):
            digits = digits.replace(".", "")  # "12.480", "260.000": a thousands separator
        elif re.fullmatch(r"\d+,\d{1,2}", digits):
            digits = digits.replace(",", ".")  # "1,5 million": a decimal comma
        value = float(digits.replace(",", ""))
        scale = {
            "million": 1e6,
            "m": 1e6,
            "mn": 1e6,
            "billion": 1e9,
            "bn": 1e9,
            "thousand": 1e3,
            "k": 1e3,
            **FOREIGN_SCALES,
        }.get(m.group(2) or "", 1)
        return round(value * scale)
    m = re.fullmatch(r"(a|one|two|three|four|five|six) dozen", t)
    if m:
        return 12 * (1 if m.group(1) in ("a", "one") else UNITS[m.group(1)])
    total, current = 0, 0
    for word in t.replace(" and ", " ").split():
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1) * SCALES[word]
            current = 0
        else:
            return None
    return total + current
