"""Reading an absolute neutrophil count (ANC) out of a patient's message, and saying what it means.

Patients quote counts as lab reports print them: "0.4" (x10^9/L, the same as K/uL) or "400"
(cells per microlitre, the same as per mm3). Rule of thumb, when no unit says otherwise: a number
below 50 is already x10^9/L; 50 or more is per microlitre and is divided by 1000.

When in doubt the answer is None, so the conversation asks again: a wrong "normal" count would
wrongly rule out presumed neutropenia.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clinical.model import AncResult
from bot.clinical.profiles import RuleProfile

# Below this a unitless number is already x10^9/L; at or above it, it is cells per microlitre.
PER_MICROLITRE_FROM = 50.0
# No real ANC reaches 50 x10^9/L (50,000 per microlitre).
HIGHEST_PLAUSIBLE = 50.0

_PER_LITRE_UNIT = re.compile(
    r"(?:[x×*]\s*)?10\s*(?:\^|\*\*?|e)?\s*[9⁹]\s*(?:cells\s*)?/\s*l\b"
    r"|\bk\s*/\s*(?:u|µ|μ|mc)l\b"
    r"|\bthou(?:sand)?\s*/\s*(?:u|µ|μ|mc)l\b"
)
_PER_MICROLITRE_UNIT = re.compile(
    r"(?:cells\s*)?(?:/|\bper\b)\s*(?:(?:u|µ|μ|mc)l|mm\s*(?:\^|\*\*)?\s*[3³]|cumm|cmm)\b"
)
# A number; a leading minus only counts when it is not a hyphen joining a word ("ANC-0.4").
# Digits glued to letters ("day10") are not a count.
_NUMBER = re.compile(r"(?:(?<=\s)|^)-?\d+(?:[.,]\d+)?|(?<![\d.,a-z])\d+(?:[.,]\d+)?")
# A date such as "3/12" means the message is about something else as well: ask again.
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_OTHER_COUNTS = re.compile(
    r"\b(?:wbc|white|platelets?|plt|h(?:a)?emoglobin|hgb|hb|lymph\w*|mono\w*|rbc|red)\b"
)
_NEUTROPHIL_WORDS = re.compile(r"\b(?:anc|neut\w*|polys|segs)\b")


def parse_anc(text: str) -> float | None:
    """The ANC in x10^9/L written in `text`, or None when there is none or it is implausible.

    "400" -> 0.4, "400 cells/mm3" -> 0.4, "0,8" -> 0.8, "ANC 800" -> 0.8, "-1" -> None.
    """
    lowered = text.strip().lower()
    if not lowered or "%" in lowered:  # a percentage of white cells is not an absolute count
        return None
    if _OTHER_COUNTS.search(lowered) and not _NEUTROPHIL_WORDS.search(lowered):
        return None  # a white-cell or platelet count must not pass for an ANC

    per_litre = bool(_PER_LITRE_UNIT.search(lowered))
    without_units = _PER_LITRE_UNIT.sub(" ", lowered)
    per_microlitre = bool(_PER_MICROLITRE_UNIT.search(without_units))
    without_units = _PER_MICROLITRE_UNIT.sub(" ", without_units)
    if per_litre and per_microlitre:
        return None
    if _DATE.search(without_units):
        return None
    # "1.2k" means 1.2 thousand per microlitre, which is 1.2 x10^9/L
    without_units, thousands = re.subn(r"(\d)\s*k\b", r"\1 ", without_units)
    per_litre = per_litre or thousands > 0

    numbers = {_to_float(match) for match in _NUMBER.findall(without_units)}
    values = {_to_per_litre(n, per_litre=per_litre, per_microlitre=per_microlitre) for n in numbers}
    if len(values) != 1:  # none, or several that disagree
        return None
    (value,) = values
    return value


def _to_float(number: str) -> float:
    # "1,200" is a thousands separator, "0,8" a decimal comma
    if re.fullmatch(r"-?\d+,\d{3}", number):
        return float(number.replace(",", ""))
    return float(number.replace(",", "."))


def _to_per_litre(number: float, *, per_litre: bool, per_microlitre: bool) -> float | None:
    if number < 0:
        return None
    if per_microlitre or (not per_litre and number >= PER_MICROLITRE_FROM):
        number = number / 1000
    if number >= HIGHEST_PLAUSIBLE:
        return None
    return round(number, 3)


def anc_band(value: float) -> str:
    """Severity bands of clinical-anchors 1.2 (IDSA/NCCN): <0.1 profound, <0.5 severe, <1.0 neutropenia."""
    if value < 0.1:
        return "profoundly low (under 0.1): the highest infection risk"
    if value < 0.5:
        return "severely low (under 0.5): a high infection risk"
    if value < 1.0:
        return "low (under 1.0 counts as neutropenia): infection risk is raised"
    if value < 1.5:
        return "a little low (1.0 to 1.5): some extra care is wise"
    return "not in the neutropenic range (1.5 or more)"


def deciding_anc(
    results: Sequence[AncResult], now: datetime, profile: RuleProfile
) -> AncResult | None:
    """The count the rules judge neutropenia by (rules.py `_neutrophil_status`), for the page.

    A low count in the last `anc_low_max_age_hours` always counts, even with a newer normal one,
    so the lowest of those; else the latest recent normal count; else the latest on record (too
    old to decide anything, but its age tells the team so).
    """

    def age(result: AncResult) -> timedelta:
        return max(now - result.measured_at, timedelta(0))

    recent_low = [
        r
        for r in results
        if r.value < profile.anc_normal_min
        and age(r) <= timedelta(hours=profile.anc_low_max_age_hours)
    ]
    if recent_low:
        return min(recent_low, key=lambda r: r.value)
    recent_normal = [
        r
        for r in results
        if r.value >= profile.anc_normal_min
        and age(r) <= timedelta(hours=profile.anc_normal_max_age_hours)
    ]
    candidates = recent_normal or list(results)
    return max(candidates, key=lambda r: r.measured_at, default=None)
