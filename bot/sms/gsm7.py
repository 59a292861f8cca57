"""GSM-7 text hygiene: keep outgoing SMS in the 7-bit alphabet and count segments.

One curly quote or emoji switches a whole message to UCS-2, cutting a segment from 160 to
70 characters and often doubling the cost, so templates are normalised to plain GSM-7.
"""

from __future__ import annotations

import re
import unicodedata

# GSM 03.38 basic character set (the escape character 0x1B is not text, so it is left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each of these costs two septets (escape + character).
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE_GSM7_LIMIT = 160
CONCATENATED_GSM7_LIMIT = 153
SINGLE_UCS2_LIMIT = 70
CONCATENATED_UCS2_LIMIT = 67

# Unicode letters, marks and numbers: words of other scripts, never dropped.
_TEXT_CATEGORIES = frozenset("LMN")

# Marks a removed character until spacing around it is tidied up.
_REMOVED = "\x00"

_REPLACEMENTS: dict[str, str] = {
    # Quotes and primes
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    # Dashes and the minus sign (a dropped minus would change a number's meaning)
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    # Bullets
    "•": "-",
    "·": "-",
    "‣": "-",
    "◦": "-",
    "∙": "-",
    "▪": "-",
    # Spaces that render like a normal space
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2007": " ",
    "\u2008": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u205f": " ",
    "\u3000": " ",
    "\t": " ",
    # Symbols with a plain-text spelling
    "…": "...",
    "°": _REMOVED,  # "38.5°C" reads as "38.5C"
    "≥": ">=",
    "≤": "<=",
    "±": "+/-",
    "×": "x",
    "÷": "/",
    "⁄": "/",
    "→": "->",
    "←": "<-",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "©": "(c)",
    "®": "(R)",
    "µ": "u",  # micro sign: "5 µg" -> "5 ug"
    "¢": "c",
}


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet (basic or extension)."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def to_gsm7(text: str) -> str:
    """Rewrite text into GSM-7, replacing typographic characters with plain ones.

    Symbols with no sensible equivalent (emoji, dingbats) are removed, and the spacing
    around a removed character is tidied so "Hi 👋 there" becomes "Hi there".

    Letters and digits of scripts GSM-7 cannot carry (Cyrillic, Chinese, Arabic...) are
    kept: the message then goes as UCS-2, but it is not emptied of its meaning.
    """
    pieces: list[str] = []
    previous_kept_as_is = False
    for char in unicodedata.normalize("NFC", text):
        piece = _convert_char(char)
        # A combining mark (or emoji variation selector) only belongs to a kept letter.
        if unicodedata.category(char).startswith("M") and not previous_kept_as_is:
            piece = _REMOVED
        pieces.append(piece)
        previous_kept_as_is = piece == char and not is_gsm7(char)
    converted = "".join(pieces)
    return re.sub(r"( ?)\x00+( ?)", _join_around_removed, converted)


def segment_count(text: str) -> int:
    """How many SMS segments the text is billed as (0 for empty text).

    GSM-7: 160 septets in one SMS, 153 per part once concatenated; extension characters
    take two septets and are never split across parts. Anything else goes as UCS-2:
    70 UTF-16 code units alone, 67 per part, never splitting a surrogate pair.
    """
    if not text:
        return 0
    if is_gsm7(text):
        unit_sizes = [2 if char in GSM7_EXTENSION else 1 for char in text]
        single_limit, part_limit = SINGLE_GSM7_LIMIT, CONCATENATED_GSM7_LIMIT
    else:
        unit_sizes = [2 if ord(char) > 0xFFFF else 1 for char in text]
        single_limit, part_limit = SINGLE_UCS2_LIMIT, CONCATENATED_UCS2_LIMIT
    if sum(unit_sizes) <= single_limit:
        return 1
    return _pack_into_parts(unit_sizes, part_limit)


def _convert_char(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENSION:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    # Accented letters, ligatures, full-width and super/subscript forms: keep their base
    # characters ("á" -> "a", "ﬁ" -> "fi", "²" -> "2").
    plain = "".join(
        part if part in GSM7_BASIC or part in GSM7_EXTENSION else _REPLACEMENTS.get(part, "")
        for part in unicodedata.normalize("NFKD", char)
    )
    if plain:
        return plain
    if unicodedata.category(char)[0] in _TEXT_CATEGORIES:
        return char
    return _REMOVED


def _join_around_removed(match: re.Match[str]) -> str:
    space_before, space_after = match.group(1), match.group(2)
    return " " if space_before and space_after else ""


def _pack_into_parts(unit_sizes: list[int], part_limit: int) -> int:
    parts = 1
    used = 0
    for size in unit_sizes:
        if used + size > part_limit:
            parts += 1
            used = 0
        used += size
    return parts
